using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AccountMetadata.Persistence.DynamoDB;
using AccountMetadata.Silo.Ingestion;
using AccountMetadata.Silo.Schemas;
using AccountMetadata.Tests.Infrastructure;
using Amazon.DynamoDBv2.Model;
using Microsoft.Extensions.DependencyInjection;

namespace AccountMetadata.Tests.Ingestion;

/// <summary>
/// A schema never reaches the network or the file system: a <c>$ref</c> that leaves the document is refused (a PUT
/// answers 400 with the reason), and a stored schema that cannot be loaded does not stop a silo from starting.
/// </summary>
public sealed class SchemaReferenceTests
{
    [Fact]
    public async Task A_reference_to_a_url_is_refused_without_being_fetched()
    {
        // A server that would answer with a valid schema, and counts who asks.
        using var server = new TcpListener(IPAddress.Loopback, 0);
        server.Start();
        var asked = 0;
        using var stop = new CancellationTokenSource();
        var serving = ServeAsync(server, () => Interlocked.Increment(ref asked), stop.Token);
        var url = $"http://127.0.0.1:{((IPEndPoint)server.LocalEndpoint).Port}/count.json";

        await using var silo = new SiloFactory(StackEndpoints.UniqueName("ref"));
        using var http = silo.CreateClient();
        using var put = new HttpRequestMessage(HttpMethod.Put, "/namespaces/loyalty/schema")
        {
            Content = new StringContent(WithReference(url), Encoding.UTF8, "application/json"),
            Headers = { { "X-Api-Key", SiloFactory.AdminKey } },
        };
        using var response = await http.SendAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(url, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref asked));
        Assert.Null(silo.Services.GetRequiredService<NamespaceSchemaRegistry>().Find("loyalty"));
        await stop.CancelAsync();
        server.Stop();
        await serving;
    }

    [Theory]
    [InlineData("http://127.0.0.1:9/x.json")]
    [InlineData("file:///etc/passwd")]
    [InlineData("other.json#/definitions/count")]
    [InlineData("//127.0.0.1:9/x.json")]
    [InlineData("")]
    public async Task References_outside_the_document_are_refused(string target)
    {
        var refused = await Assert.ThrowsAsync<SchemaDefinitionException>(() => NamespaceSchema.ParseAsync("loyalty", WithReference(target)));
        Assert.Contains("\"$ref\"", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task References_within_the_document_are_accepted()
    {
        var schema = await NamespaceSchema.ParseAsync("loyalty", """
            {"type":"object","definitions":{"count":{"type":"integer","minimum":0}},"properties":{"points":{"$ref":"#/definitions/count"}}}
            """);
        Assert.Contains("points", schema.FeatureNames);
    }

    [Fact]
    public async Task A_stored_schema_that_cannot_be_loaded_leaves_the_silo_starting_and_the_other_namespaces_working()
    {
        await using var silo = IngestingSilo.Create("unusable");
        using (var client = SiloFactory.CreateDynamoDbClient())
        {
            // Stored before references were refused: a silo that loaded it would fetch the URL, and one that cannot died.
            await AccountTable.CreateIfMissingAsync(client, silo.TableName, CancellationToken.None);
            await client.PutItemAsync(silo.TableName, new Dictionary<string, AttributeValue>
            {
                [AccountTable.AccountIdAttribute] = new() { S = NamespaceSchemaRegistry.PartitionKey },
                [AccountTable.NamespaceAttribute] = new() { S = "loyalty" },
                ["_schema"] = new() { S = """{"type":"object","properties":{"points":{"$ref":"http://127.0.0.1:9/count.json"}}}""" },
            });
        }

        using var http = silo.CreateClient(); // starts the silo
        var registry = silo.Services.GetRequiredService<NamespaceSchemaRegistry>();
        Assert.Contains("loyalty", registry.Unusable.Keys);
        using (var ready = await http.GetAsync(new Uri("/health/ready", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
            using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
            Assert.Contains("loyalty", body.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        }

        using var producer = new FeatureProducer();
        await producer.SendFeatureAsync(silo.IngestTopic, "acc-1", "loyalty", "points", "5", 1);
        await producer.SendFeatureAsync(silo.IngestTopic, "acc-1", "orders", "total_orders", "3", 1);
        await silo.WaitUntilCommittedAsync(2);

        Assert.Equal(1, silo.Metrics().DeadLettered(DeadLetterReason.UnusableSchema).Value);
        var letter = Assert.Single(TopicReader.ReadAtLeast(silo.DeadLetterTopic, 1, IngestingSilo.Patience));
        Assert.Contains("unusable_schema", letter.Message.Value, StringComparison.Ordinal);
        using var account = await http.GetAsync(new Uri("/accounts/acc-1/namespaces/orders", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, account.StatusCode);
    }

    private static string WithReference(string target) =>
        """{"type":"object","properties":{"points":{"$ref":""" + JsonSerializer.Serialize(target) + "}}}";

    private static async Task ServeAsync(TcpListener server, Action onRequest, CancellationToken stop)
    {
        const string Body = """{"type":"integer"}""";
        try
        {
            while (true)
            {
                using var connection = await server.AcceptTcpClientAsync(stop);
                onRequest();
                var stream = connection.GetStream();
                if (await stream.ReadAsync(new byte[4096], stop) == 0)
                {
                    continue; // closed without asking
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}"), stop);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }
    }
}
