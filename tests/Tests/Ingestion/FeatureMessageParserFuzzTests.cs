using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AccountMetadata.Grains;
using AccountMetadata.Silo.Ingestion;
using Xunit.Abstractions;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>
/// Random bytes and mutations of valid messages, for a bounded time: the parser never throws, anything it accepts
/// is valid, and what it accepts survives a round trip through a writer. The seed is printed so a failure replays
/// (set FUZZ_SEED to it).
/// </summary>
public sealed class FeatureMessageParserFuzzTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);
    private static readonly long Latest = FeatureMessageParser.LatestTimestamp(DateTimeOffset.UtcNow);

    private static readonly string[] Seeds =
    [
        """{"account_id":"acc-1","feature_name":"total_orders","feature_value":"3","namespace":"orders","timestamp":1700000000}""",
        """{"namespace":"segments","timestamp":5,"feature_value":"gold \u00e9\ud83c\udf55","feature_name":"segment","account_id":"u:42@x"}""",
        """{"op":"erase","account_id":"acc-9"}""",
        """{"account_id":"a","feature_name":"f","feature_value":"v","namespace":"orders","timestamp":1,"extra":{"nested":[1,2,{"x":null}]}}""",
    ];

    private static readonly string[] Fragments =
    [
        "\"", "\\", "\\u0000", "\\ud800", "\\uDC00", "{", "}", "[", "]", ":", ",", "null", "true", "-", "1e999", "0x10", "99999999999999999999",
        "\"account_id\":\"b\"", "\"timestamp\":-5", "\"feature_value\":{}", "\u0001", "\u00ff", "/*", "NaN", new string('[', 40),
    ];

    [Fact]
    public void Random_and_mutated_messages_never_throw_and_only_valid_ones_are_accepted()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("FUZZ_SEED"), CultureInfo.InvariantCulture, out var fixedSeed)
            ? fixedSeed
            : Random.Shared.Next();
        output.WriteLine($"FUZZ_SEED={seed}");
        var random = new Random(seed);
        var names = new NameInterner();
        var clock = Stopwatch.StartNew();
        long iterations = 0, accepted = 0;
        while (clock.Elapsed < Budget || iterations < 10_000)
        {
            var input = iterations % 8 == 0 ? RandomBytes(random) : Mutate(random, Encoding.UTF8.GetBytes(Seeds[random.Next(Seeds.Length)]));
            iterations++;
            FeatureMessage message;
            ParseOutcome failure;
            bool ok;
            try
            {
                ok = FeatureMessageParser.TryParse(input, names, Latest, out message, out failure);
            }
            catch (Exception exception)
            {
                Assert.Fail($"FUZZ_SEED={seed}, iteration {iterations}: threw {exception.GetType().Name} on {Convert.ToBase64String(input)}");
                throw;
            }

            if (!ok)
            {
                Assert.False(string.IsNullOrWhiteSpace(failure.Detail), $"FUZZ_SEED={seed}: a refusal without a detail");
                continue;
            }

            accepted++;
            AssertValid(message, seed, input);
            Assert.True(FeatureMessageParser.TryParse(Write(message), names, Latest, out var again, out var reparseFailure),
                $"FUZZ_SEED={seed}: accepted {Convert.ToBase64String(input)} but not its rewrite: {reparseFailure.Detail}");
            Assert.Equal(message, again);
        }

        output.WriteLine($"{iterations} inputs, {accepted} accepted, in {clock.Elapsed.TotalSeconds:0.0} s");
        Assert.True(accepted > 0, "the mutations never produced a valid message: the fuzzer explores nothing useful");
    }

    private static void AssertValid(FeatureMessage message, int seed, byte[] input)
    {
        var context = $"FUZZ_SEED={seed}, input {Convert.ToBase64String(input)}";
        Assert.True(Identifiers.IsValidAccountId(message.AccountId), context);
        if (message.Kind == FeatureMessageKind.Erase)
        {
            return;
        }

        Assert.True(Identifiers.IsValidNamespace(message.Namespace), context);
        Assert.True(Identifiers.IsValidFeatureName(message.FeatureName), context);
        Assert.InRange(Encoding.UTF8.GetByteCount(message.Value), 0, Identifiers.MaxFeatureValueBytes);
        Assert.InRange(message.Timestamp, 0, Latest);
    }

    private static byte[] Write(FeatureMessage message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            if (message.Kind == FeatureMessageKind.Erase)
            {
                writer.WriteString("op", "erase");
                writer.WriteString("account_id", message.AccountId);
            }
            else
            {
                writer.WriteString("account_id", message.AccountId);
                writer.WriteString("feature_name", message.FeatureName);
                writer.WriteString("feature_value", message.Value);
                writer.WriteString("namespace", message.Namespace);
                writer.WriteNumber("timestamp", message.Timestamp);
            }

            writer.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 200)];
        random.NextBytes(bytes);
        return bytes;
    }

    /// <summary>One to four edits: bit flips, deletions, duplications, truncation, and splices of JSON-ish fragments.</summary>
    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = new List<byte>(valid);
        for (var edits = random.Next(1, 5); edits > 0; edits--)
        {
            var at = bytes.Count == 0 ? 0 : random.Next(bytes.Count);
            switch (random.Next(6))
            {
                case 0 when bytes.Count > 0:
                    bytes[at] ^= (byte)(1 << random.Next(8));
                    break;
                case 1 when bytes.Count > 0:
                    bytes.RemoveRange(at, Math.Min(bytes.Count - at, random.Next(1, 8)));
                    break;
                case 2:
                    bytes.InsertRange(at, Encoding.UTF8.GetBytes(Fragments[random.Next(Fragments.Length)]));
                    break;
                case 3 when bytes.Count > 0:
                    bytes.RemoveRange(at, bytes.Count - at);
                    break;
                case 4 when bytes.Count > 0:
                    var length = Math.Min(bytes.Count - at, random.Next(1, 30));
                    bytes.InsertRange(random.Next(bytes.Count), bytes.GetRange(at, length));
                    break;
                default:
                    bytes.Insert(at, (byte)random.Next(256));
                    break;
            }
        }

        return [.. bytes];
    }
}
