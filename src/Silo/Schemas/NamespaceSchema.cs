using System.Globalization;
using System.Text.Json;
using AccountMetadata.Silo.Ingestion;
using Newtonsoft.Json.Linq;
using NJsonSchema;
using NJsonSchema.Validation;

namespace AccountMetadata.Silo.Schemas;

/// <summary>
/// The JSON Schema of one namespace: an object whose properties are the namespace's features. Feature values travel
/// as strings; a property declared <c>integer</c>, <c>number</c> or <c>boolean</c> checks the string's parsed value,
/// so <c>{"type": "integer", "minimum": 0}</c> means "a string holding a non-negative integer".
/// </summary>
public sealed class NamespaceSchema
{
    /// <summary>
    /// Shared: <c>JsonSchema.Validate</c> builds a new validator, with its map of format validators, on every call,
    /// which was 18% of what a silo allocated under 10,000 features/s. The validator keeps no state between calls.
    /// </summary>
    private static readonly JsonSchemaValidator Validator = new();

    private readonly Dictionary<string, JsonSchemaProperty> _features;
    private readonly bool _allowsUnknownFeatures;

    private NamespaceSchema(string @namespace, string json, JsonSchema schema)
    {
        Namespace = @namespace;
        Json = json;
        _features = new Dictionary<string, JsonSchemaProperty>(schema.Properties, StringComparer.Ordinal);
        _allowsUnknownFeatures = schema.AllowAdditionalProperties;
    }

    public string Namespace { get; }

    /// <summary>The document as registered.</summary>
    public string Json { get; }

    public IReadOnlyCollection<string> FeatureNames => _features.Keys;

    public static async Task<NamespaceSchema> ParseAsync(string @namespace, string json)
    {
        RefuseReferencesOutside(json);
        JsonSchema schema;
        try
        {
            schema = await JsonSchema.FromJsonAsync(json).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // NJsonSchema reports bad documents with several exception types; all mean the same here
        catch (Exception exception)
#pragma warning restore CA1031
        {
            throw new SchemaDefinitionException($"not a JSON Schema document: {exception.Message}", exception);
        }

        if (schema.Type != JsonObjectType.Object)
        {
            throw new SchemaDefinitionException("the schema must describe an object (\"type\": \"object\") whose properties are the features");
        }

        if (schema.Properties.Count == 0 && !schema.AllowAdditionalProperties)
        {
            throw new SchemaDefinitionException("the schema declares no features and refuses additional ones: nothing could ever be stored");
        }

        foreach (var (name, property) in schema.Properties)
        {
            if (!Grains.Identifiers.IsValidFeatureName(name))
            {
                throw new SchemaDefinitionException($"'{name}' is not a valid feature name (1-128 of A-Z a-z 0-9 - _ . starting with a letter)");
            }

            var type = property.Type & ~JsonObjectType.Null;
            if (type is not (JsonObjectType.String or JsonObjectType.Integer or JsonObjectType.Number or JsonObjectType.Boolean or JsonObjectType.None))
            {
                throw new SchemaDefinitionException($"feature '{name}' must be a string, integer, number or boolean (values are stored as strings)");
            }
        }

        return new NamespaceSchema(@namespace, json, schema);
    }

    /// <summary>
    /// A schema never reaches the network or the file system: NJsonSchema would fetch a <c>$ref</c> to a URL or a file
    /// while parsing (on every silo, at every reload), so any <c>$ref</c> that does not point into the document itself
    /// (<c>#...</c>) is refused before it sees the document.
    /// </summary>
    private static void RefuseReferencesOutside(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json, new JsonDocumentOptions { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip });
        }
        catch (JsonException exception)
        {
            throw new SchemaDefinitionException($"not a JSON Schema document: {exception.Message}", exception);
        }

        using (document)
        {
            Visit(document.RootElement);
        }

        static void Visit(JsonElement element)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        if (property.NameEquals("$ref") && property.Value.ValueKind == JsonValueKind.String
                            && property.Value.GetString() is var target && (string.IsNullOrEmpty(target) || target[0] != '#'))
                        {
                            throw new SchemaDefinitionException(
                                $"\"$ref\": \"{target}\" points outside the document; only references within it (\"#/...\") are allowed, a schema never fetches anything");
                        }

                        Visit(property.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var item in element.EnumerateArray())
                    {
                        Visit(item);
                    }

                    break;
            }
        }
    }

    /// <summary>Null when the value may be stored; otherwise the dead-letter outcome.</summary>
    public ParseOutcome? Check(string featureName, string value)
    {
        if (!_features.TryGetValue(featureName, out var property))
        {
            return _allowsUnknownFeatures
                ? null
                : new ParseOutcome(DeadLetterReason.UnknownFeature, $"namespace '{Namespace}' has no feature '{featureName}'");
        }

        if (!TryTyped(property.Type & ~JsonObjectType.Null, value, out var token))
        {
            return new ParseOutcome(DeadLetterReason.SchemaViolation,
                $"{Namespace}.{featureName}: '{Shorten(value)}' is not {Article(property.Type)}");
        }

        var errors = Validator.Validate(token, property);
        return errors.Count == 0
            ? null
            : new ParseOutcome(DeadLetterReason.SchemaViolation,
                $"{Namespace}.{featureName}: '{Shorten(value)}' breaks the schema ({string.Join("; ", errors.Select(e => e.Kind))})");
    }

    private static bool TryTyped(JsonObjectType type, string value, out JToken token)
    {
        switch (type)
        {
            case JsonObjectType.Integer when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer):
                token = new JValue(integer);
                return true;
            case JsonObjectType.Number when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number):
                token = new JValue(number);
                return true;
            case JsonObjectType.Boolean when value is "true" or "false":
                token = new JValue(value == "true");
                return true;
            case JsonObjectType.Integer or JsonObjectType.Number or JsonObjectType.Boolean:
                token = JValue.CreateNull();
                return false;
            default:
                token = new JValue(value);
                return true;
        }
    }

    private static string Article(JsonObjectType type) => (type & ~JsonObjectType.Null) switch
    {
        JsonObjectType.Integer => "an integer",
        JsonObjectType.Number => "a number",
        JsonObjectType.Boolean => "true or false",
        _ => "a string",
    };

    private static string Shorten(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
