using System.Text.Json.Serialization.Metadata;

namespace AccountMetadata.Api.Json;

/// <summary>The API's source-generated JSON metadata, for the host to put first in its resolver chain.</summary>
public static class ApiJson
{
    public static IJsonTypeInfoResolver TypeInfoResolver => ApiJsonContext.Default;
}
