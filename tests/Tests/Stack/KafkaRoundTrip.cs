using System.Text;
using System.Text.Json;
using AccountMetadata.Silo.Kafka;
using Confluent.Kafka;

namespace AccountMetadata.Tests.Stack;

/// <summary>
/// Produce N keyed messages, consume them in a consumer group, commit, reopen the group and check that nothing is
/// redelivered: the first message the reopened consumer sees is a sentinel produced after the commit.
/// </summary>
internal static class KafkaRoundTrip
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task RunAsync(KafkaOptions options, string topic, int count, Headers? headers = null)
    {
        using var producer = new ProducerBuilder<string, string>(KafkaClientConfigs.Producer(options)).Build();
        for (var i = 0; i < count; i++)
        {
            var message = new Message<string, string>
            {
                Key = $"acc-{i % 17}",
                Value = $$"""{"account_id":"acc-{{i % 17}}","feature_name":"f{{i}}","feature_value":"{{i}}","namespace":"orders","timestamp":{{i}}}""",
                Headers = headers,
            };
            var result = await producer.ProduceAsync(topic, message);
            Assert.Equal(PersistenceStatus.Persisted, result.Status);
        }

        var group = "round-trip-" + Guid.NewGuid().ToString("N");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        using (var consumer = Subscribe(options, group, topic))
        {
            while (seen.Count < count)
            {
                var result = ConsumeOrFail(consumer);
                using var json = JsonDocument.Parse(result.Message.Value);
                Assert.Equal(result.Message.Key, json.RootElement.GetProperty("account_id").GetString());
                if (headers is not null)
                {
                    Assert.Equal(headers[0].GetValueBytes(), result.Message.Headers[0].GetValueBytes());
                }

                seen.Add(result.Message.Value);
                consumer.StoreOffset(result);
            }

            consumer.Commit();
            consumer.Close();
        }

        Assert.Equal(count, seen.Count);
        const string Sentinel = "sentinel";
        await producer.ProduceAsync(topic, new Message<string, string> { Key = "acc-0", Value = Sentinel, Headers = headers });
        using var reopened = Subscribe(options, group, topic);
        var first = ConsumeOrFail(reopened);
        Assert.Equal(Sentinel, first.Message.Value);
        reopened.Close();
    }

    public static Headers SingleHeader(string key, string value) => new() { { key, Encoding.UTF8.GetBytes(value) } };

    private static IConsumer<string, string> Subscribe(KafkaOptions options, string group, string topic)
    {
        var config = KafkaClientConfigs.Consumer(options, group);
        config.EnableAutoOffsetStore = false;
        var consumer = new ConsumerBuilder<string, string>(config).Build();
        consumer.Subscribe(topic);
        return consumer;
    }

    private static ConsumeResult<string, string> ConsumeOrFail(IConsumer<string, string> consumer)
    {
        var until = DateTime.UtcNow + Deadline;
        while (DateTime.UtcNow < until)
        {
            var result = consumer.Consume(TimeSpan.FromMilliseconds(500));
            if (result is { IsPartitionEOF: false })
            {
                return result;
            }
        }

        throw new TimeoutException($"no message within {Deadline}");
    }
}
