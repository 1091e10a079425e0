namespace AccountMetadata.Runtime;

/// <summary>Marker for grain interfaces.</summary>
#pragma warning disable CA1040 // A marker interface is the point: it is how Orleans users recognise a grain contract.
public interface IGrain;

/// <summary>A grain identified by a string key (Orleans' <c>IGrainWithStringKey</c>).</summary>
public interface IGrainWithStringKey : IGrain;
#pragma warning restore CA1040
