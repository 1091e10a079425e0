namespace AccountMetadata.Runtime;

/// <summary>Gets references to grains (Orleans' <c>IGrainFactory</c>). Getting one never activates anything.</summary>
public interface IGrainFactory
{
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}
