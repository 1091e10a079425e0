using System.Text;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Ingestion;

namespace AccountMetadata.Tests.Ingestion;

public sealed class FeatureMessageParserTests
{
    private static readonly long Latest = FeatureMessageParser.LatestTimestamp(DateTimeOffset.UtcNow);
    private readonly NameInterner _names = new();

    [Fact]
    public void Parses_the_feature_store_shape_and_interns_names()
    {
        var first = Parse("""{"account_id":"acc-1","feature_name":"total_orders","feature_value":"3","namespace":"orders","timestamp":1700000000,"extra":{"ignored":[1,2]}}""");
        var second = Parse("""{"namespace":"orders","timestamp":5,"feature_value":"4","feature_name":"total_orders","account_id":"acc-2"}""");

        Assert.Equal(new FeatureMessage(FeatureMessageKind.Feature, "acc-1", "orders", "total_orders", "3", 1700000000), first);
        Assert.Same(first.Namespace, second.Namespace);
        Assert.Same(first.FeatureName, second.FeatureName);
    }

    [Fact]
    public void Parses_an_erase_command()
    {
        Assert.Equal(FeatureMessage.Erase("acc-9"), Parse("""{"op":"erase","account_id":"acc-9"}"""));
    }

    [Theory]
    [InlineData("not json at all", DeadLetterReason.NotJson)]
    [InlineData("[1,2]", DeadLetterReason.NotJson)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1} trailing""", DeadLetterReason.NotJson)]
    [InlineData("""{"feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1}""", DeadLetterReason.MissingField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders"}""", DeadLetterReason.MissingField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":3,"namespace":"orders","timestamp":1}""", DeadLetterReason.MistypedField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":"1"}""", DeadLetterReason.MistypedField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1.5}""", DeadLetterReason.MistypedField)]
    [InlineData("""{"account_id":"has space","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1}""", DeadLetterReason.InvalidAccountId)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"Orders!","timestamp":1}""", DeadLetterReason.InvalidNamespace)]
    [InlineData("""{"account_id":"a","feature_name":"_ts","feature_value":"v","namespace":"orders","timestamp":1}""", DeadLetterReason.InvalidFeatureName)]
    [InlineData("""{"op":"drop","account_id":"a"}""", DeadLetterReason.MistypedField)]
    [InlineData("""{"account_id":null,"feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1}""", DeadLetterReason.MistypedField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":null,"namespace":"orders","timestamp":1}""", DeadLetterReason.MistypedField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":null}""", DeadLetterReason.MistypedField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":99999999999999999999}""", DeadLetterReason.MistypedField)]
    [InlineData("""{"account_id":"a","account_id":"b","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1}""", DeadLetterReason.DuplicateField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1,"timestamp":2}""", DeadLetterReason.DuplicateField)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":-1}""", DeadLetterReason.TimestampOutOfRange)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":9000000000000000}""", DeadLetterReason.TimestampOutOfRange)]
    [InlineData("""{"account_id":"a\u0000b","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1}""", DeadLetterReason.InvalidAccountId)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"\ud800","namespace":"orders","timestamp":1}""", DeadLetterReason.NotJson)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1,"x":[[[[[[[[[[[[1]]]]]]]]]]]]}""", DeadLetterReason.NotJson)]
    [InlineData("""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1""", DeadLetterReason.NotJson)]
    [InlineData("", DeadLetterReason.NotJson)]
    public void Refuses_bad_messages_with_a_reason(string json, DeadLetterReason expected)
    {
        Assert.False(FeatureMessageParser.TryParse(Encoding.UTF8.GetBytes(json), _names, Latest, out _, out var failure));
        Assert.Equal(expected, failure.Reason);
        Assert.False(string.IsNullOrWhiteSpace(failure.Detail));
    }

    [Fact]
    public void Refuses_a_value_over_the_size_limit()
    {
        var json = $$"""{"account_id":"a","feature_name":"f","feature_value":"{{new string('x', Identifiers.MaxFeatureValueBytes + 1)}}","namespace":"orders","timestamp":1}""";
        Assert.False(FeatureMessageParser.TryParse(Encoding.UTF8.GetBytes(json), _names, Latest, out _, out var failure));
        Assert.Equal(DeadLetterReason.ValueTooLarge, failure.Reason);
    }

    [Fact]
    public void Refuses_invalid_utf8_in_a_value_without_throwing()
    {
        var bytes = Encoding.UTF8.GetBytes("""{"account_id":"a","feature_name":"f","feature_value":"v?","namespace":"orders","timestamp":1}""");
        bytes[Array.IndexOf(bytes, (byte)'?')] = 0xFF;
        Assert.False(FeatureMessageParser.TryParse(bytes, _names, Latest, out _, out var failure));
        Assert.Equal(DeadLetterReason.NotJson, failure.Reason);
    }

    [Fact]
    public void Refuses_a_ten_megabyte_value_from_its_raw_length()
    {
        var json = $$"""{"account_id":"a","feature_name":"f","feature_value":"{{new string('x', 10 * 1024 * 1024)}}","namespace":"orders","timestamp":1}""";
        Assert.False(FeatureMessageParser.TryParse(Encoding.UTF8.GetBytes(json), _names, Latest, out _, out var failure));
        Assert.Equal(DeadLetterReason.ValueTooLarge, failure.Reason);
    }

    [Fact]
    public void Accepts_timestamps_up_to_a_day_ahead_of_now_in_milliseconds_or_seconds()
    {
        var now = DateTimeOffset.UtcNow;
        Assert.Equal(now.AddHours(23).ToUnixTimeMilliseconds(), Parse(Message(now.AddHours(23).ToUnixTimeMilliseconds())).Timestamp);
        Assert.Equal(now.ToUnixTimeSeconds(), Parse(Message(now.ToUnixTimeSeconds())).Timestamp);
        Assert.Equal(0, Parse(Message(0)).Timestamp);
        Assert.False(FeatureMessageParser.TryParse(Encoding.UTF8.GetBytes(Message(now.AddHours(25).ToUnixTimeMilliseconds())), _names, Latest, out _, out _));

        static string Message(long timestamp) =>
            $$"""{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":{{timestamp}}}""";
    }

    private FeatureMessage Parse(string json)
    {
        Assert.True(FeatureMessageParser.TryParse(Encoding.UTF8.GetBytes(json), _names, Latest, out var message, out var failure), failure.Detail);
        return message;
    }
}
