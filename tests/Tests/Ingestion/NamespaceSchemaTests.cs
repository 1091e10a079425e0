using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Silo.Schemas;

namespace AccountMetadata.Tests.Ingestion;

public sealed class NamespaceSchemaTests
{
    private const string Orders = """
        {"type":"object","additionalProperties":false,"properties":{
          "total_orders":{"type":"integer","minimum":0},
          "average_ticket":{"type":"number","minimum":0},
          "tier":{"type":"string","enum":["gold","silver"]},
          "vip":{"type":"boolean"},
          "language":{"type":"string","pattern":"^[a-z]{2}$"}}}
        """;

    [Theory]
    [InlineData("total_orders", "12")]
    [InlineData("average_ticket", "23.5")]
    [InlineData("tier", "gold")]
    [InlineData("vip", "true")]
    [InlineData("language", "pt")]
    public async Task Accepts_values_the_schema_allows(string feature, string value)
    {
        var schema = await NamespaceSchema.ParseAsync("orders", Orders);
        Assert.Null(schema.Check(feature, value));
    }

    [Theory]
    [InlineData("total_orders", "-1", DeadLetterReason.SchemaViolation)]
    [InlineData("total_orders", "many", DeadLetterReason.SchemaViolation)]
    [InlineData("average_ticket", "NaN", DeadLetterReason.SchemaViolation)]
    [InlineData("tier", "bronze", DeadLetterReason.SchemaViolation)]
    [InlineData("vip", "yes", DeadLetterReason.SchemaViolation)]
    [InlineData("language", "english", DeadLetterReason.SchemaViolation)]
    [InlineData("shoe_size", "42", DeadLetterReason.UnknownFeature)]
    public async Task Refuses_what_the_schema_does_not_allow(string feature, string value, DeadLetterReason reason)
    {
        var schema = await NamespaceSchema.ParseAsync("orders", Orders);
        var outcome = schema.Check(feature, value);
        Assert.NotNull(outcome);
        Assert.Equal(reason, outcome.Value.Reason);
        Assert.Contains(feature, outcome.Value.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"type":"array"}""")]
    [InlineData("""{"type":"object","properties":{"nested":{"type":"object"}}}""")]
    [InlineData("""{"type":"object","properties":{"_hidden":{"type":"string"}}}""")]
    public async Task Refuses_unusable_schema_documents(string document)
    {
        await Assert.ThrowsAsync<SchemaDefinitionException>(() => NamespaceSchema.ParseAsync("orders", document));
    }
}
