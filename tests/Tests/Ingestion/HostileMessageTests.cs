using System.Text;
using System.Text.Json;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>
/// A corpus of hostile messages mixed into good traffic on the real broker: each one dead-lettered with its reason
/// (found by its source offset), each good one applied, and the consumer commits to the end: it never stalls.
/// </summary>
public sealed class HostileMessageTests
{
    private const string Good = """{"account_id":"acc-1","feature_name":"total_orders","feature_value":"1","namespace":"orders","timestamp":1}""";

    /// <summary>Name, key, value bytes, and the reason each must be dead-lettered with.</summary>
    private static IEnumerable<(string Name, string Key, byte[] Value, DeadLetterReason Reason)> Corpus()
    {
        static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
        static string With(string field, string json) => Good.Replace($"\"{field}\":", $"\"{field}\":{json},\"ignored_{field}\":", StringComparison.Ordinal);
        var future = DateTimeOffset.UtcNow.AddYears(5).ToUnixTimeMilliseconds();

        yield return ("truncated", "acc-1", Utf8(Good[..40]), DeadLetterReason.NotJson);
        var invalidUtf8 = Utf8(Good.Replace("\"1\"", "\"1?\"", StringComparison.Ordinal));
        invalidUtf8[Array.IndexOf(invalidUtf8, (byte)'?')] = 0xFE;
        yield return ("invalid UTF-8", "acc-1", invalidUtf8, DeadLetterReason.NotJson);
        yield return ("depth bomb", "acc-1", Utf8(Good.TrimEnd('}') + ",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}"), DeadLetterReason.NotJson);
        yield return ("10 MB value", "acc-1", Utf8(Good.Replace("\"1\"", "\"" + new string('v', 10 * 1024 * 1024) + "\"", StringComparison.Ordinal)), DeadLetterReason.ValueTooLarge);
        yield return ("number for a string", "acc-1", Utf8(Good.Replace("\"acc-1\"", "12345", StringComparison.Ordinal)), DeadLetterReason.MistypedField);
        yield return ("null value", "acc-1", Utf8(Good.Replace("\"1\"", "null", StringComparison.Ordinal)), DeadLetterReason.MistypedField);
        yield return ("object value", "acc-1", Utf8(With("feature_value", "{\"a\":1}")), DeadLetterReason.MistypedField);
        yield return ("duplicate key", "acc-1", Utf8(Good.Replace("{", "{\"account_id\":\"acc-2\",", StringComparison.Ordinal)), DeadLetterReason.DuplicateField);
        yield return ("unknown namespace", "acc-1", Utf8(Good.Replace("\"orders\"", "\"no_such_namespace\"", StringComparison.Ordinal)), DeadLetterReason.UnknownNamespace);
        var longId = new string('i', 10 * 1024);
        yield return ("10 KB id", longId, Utf8(Good.Replace("acc-1", longId, StringComparison.Ordinal)), DeadLetterReason.InvalidAccountId);
        yield return ("escaped control characters in the id", "acc-1", Utf8(Good.Replace("acc-1", "acc\\u0000\\u001b-1", StringComparison.Ordinal)), DeadLetterReason.InvalidAccountId);
        yield return ("raw control character", "acc-1", Utf8(Good.Replace("\"1\"", "\"1\u0001\"", StringComparison.Ordinal)), DeadLetterReason.NotJson);
        yield return ("far future timestamp", "acc-1", Utf8(Good.Replace("\"timestamp\":1", $"\"timestamp\":{future}", StringComparison.Ordinal)), DeadLetterReason.TimestampOutOfRange);
        yield return ("negative timestamp", "acc-1", Utf8(Good.Replace("\"timestamp\":1", "\"timestamp\":-1700000000000", StringComparison.Ordinal)), DeadLetterReason.TimestampOutOfRange);
        yield return ("fractional timestamp", "acc-1", Utf8(Good.Replace("\"timestamp\":1", "\"timestamp\":1.5", StringComparison.Ordinal)), DeadLetterReason.MistypedField);
        yield return ("empty value", "acc-1", [], DeadLetterReason.NotJson);
        var noise = new byte[4096];
        new Random(7).NextBytes(noise);
        yield return ("random bytes", "acc-1", noise, DeadLetterReason.NotJson);
        yield return ("JSON array", "acc-1", Utf8("[" + Good + "]"), DeadLetterReason.NotJson);
        yield return ("schema violation", "acc-1", Utf8(Good.Replace("\"1\"", "\"-7\"", StringComparison.Ordinal)), DeadLetterReason.SchemaViolation);
    }

    [Fact]
    public async Task Every_hostile_message_is_dead_lettered_with_its_reason_and_every_good_one_applies()
    {
        await using var silo = IngestingSilo.Create("hostile");
        var expected = new ExpectedState();
        var good = FeatureStream.Generate("good", accounts: 400, versions: 2, seed: 5, expected); // 4,000 messages
        var corpus = Corpus().ToList();

        // One hostile message after every 200 good ones: they share partitions and accounts' batches with good traffic.
        var hostileOffsets = new Dictionary<(int Partition, long Offset), (string Name, DeadLetterReason Reason)>();
        using (var producer = new FeatureProducer(maxMessageBytes: 12 * 1024 * 1024))
        {
            var sends = new List<Task>();
            for (var i = 0; i < good.Count; i++)
            {
                sends.Add(producer.SendAsync(silo.IngestTopic, good[i].Key, good[i].Value));
                if (i % 200 == 100 && i / 200 < corpus.Count)
                {
                    var (name, key, value, reason) = corpus[i / 200];
                    sends.Add(producer.SendAsync(silo.IngestTopic, key, value).ContinueWith(
                        t =>
                        {
                            lock (hostileOffsets)
                            {
                                hostileOffsets.Add((t.Result.Partition.Value, t.Result.Offset.Value), (name, reason));
                            }
                        },
                        TaskScheduler.Default));
                }
            }

            await Task.WhenAll(sends);
        }

        Assert.Equal(corpus.Count, hostileOffsets.Count);
        await silo.WaitUntilCommittedAsync(good.Count + corpus.Count);

        var letters = TopicReader.ReadAtLeast(silo.DeadLetterTopic, corpus.Count, IngestingSilo.Patience);
        Assert.Equal(corpus.Count, letters.Count);
        foreach (var letter in letters)
        {
            using var envelope = JsonDocument.Parse(letter.Message.Value);
            var source = envelope.RootElement.GetProperty("source");
            var at = (source.GetProperty("partition").GetInt32(), source.GetProperty("offset").GetInt64());
            Assert.True(hostileOffsets.TryGetValue(at, out var sent), $"a dead letter for {at}, which was not a hostile message: {letter.Message.Value[..Math.Min(300, letter.Message.Value.Length)]}");
            Assert.Equal((sent.Name, DeadLetterReasons.Name(sent.Reason)), (sent.Name, envelope.RootElement.GetProperty("reason").GetString()));
            Assert.False(string.IsNullOrWhiteSpace(envelope.RootElement.GetProperty("detail").GetString()));
            Assert.Equal(sent.Name == "10 MB value", envelope.RootElement.GetProperty("value_truncated").GetBoolean());
        }

        var metrics = silo.Metrics();
        Assert.Equal(corpus.Count, metrics.DeadLetteredTotal);
        Assert.Equal(good.Count, metrics.Applied.Value + metrics.IgnoredAsOlder.Value); // late data is ignored, not lost

        using var client = SiloFactory.CreateDynamoDbClient();
        var differences = new List<string>();
        foreach (var account in expected.Accounts)
        {
            differences.AddRange(expected.Differences(account, await DynamoDbReader.ReadAccountAsync(client, silo.TableName, account)));
        }

        Assert.True(differences.Count == 0, $"{differences.Count} differences, first: {string.Join("; ", differences.Take(5))}");
    }
}
