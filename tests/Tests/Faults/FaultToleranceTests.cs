using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;
using AccountMetadata.Tests.Cluster;
using Xunit.Abstractions;

namespace AccountMetadata.Tests.Faults;

/// <summary>
/// Faults on a cluster of three silo processes (Redis membership) during a steady ingest of 5,000 features/s, each
/// ending with DynamoDB checked item by item against what the broker acknowledged: zero lost, zero regressed to an
/// older value.
/// </summary>
[Collection(FaultDrills.Name)]
public sealed class FaultToleranceTests(FaultStackFixture stack, ITestOutputHelper output) : IDisposable
{
    private const int Silos = 3;
    private const int Accounts = 600; // 3,000 account items: what DynamoDB Local on disk can rewrite every few seconds
    private const int PerSecond = 5_000;
    private const int ActiveAccounts = 10; // the accounts read during a drill: written before it breaks anything

    /// <summary>Records a silo may hold read and not durable in the storage drills: low, so each pauses within the outage.</summary>
    private const int StorageOutageBound = 10_000;

    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    /// <summary>A graceful stop drains (Ingestion:DrainTimeout, 6 s), then waits for the grains' flushes: on a busy
    /// machine with DynamoDB Local behind, well past what a quiet one needs.</summary>
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(90);

    /// <summary>Every drill silo pauses well before memory matters, so an outage shows the pause within seconds.</summary>
    private static readonly IReadOnlyDictionary<string, string> DrillSettings = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Ingestion__MaxUncommittedMessages"] = DrillSilo.MaxUncommittedMessages.ToString(CultureInfo.InvariantCulture),
    };

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private TimeSpan _slowestRead;

    [Fact]
    public async Task Three_SIGKILLs_of_a_silo_at_random_moments_lose_nothing()
    {
        using var _ = StackEndpoints.Use(stack.Endpoints);
        await stack.EnsureAllUpAsync();
        using var cluster = await SiloCluster.StartAsync("kill", Silos, DrillSettings);
        using var ingest = SteadyIngest.Start(cluster.Names.Topic, Accounts, PerSecond);
        var seed = Environment.TickCount;
        var random = new Random(seed);
        output.WriteLine($"seed {seed}");
        for (var kill = 1; kill <= 3; kill++)
        {
            // A random moment mid-ingest: after between 5,000 and 30,000 more acknowledged features.
            await ingest.WaitForMoreAsync(random.Next(5_000, 30_000), Patience);
            var victim = random.Next(Silos);
            cluster.Kill(victim);
            var pulledAgainAfter = await cluster.WaitUntilEveryPartitionIsPulledAsync(Patience);
            output.WriteLine($"kill {kill}: SIGKILL of silo {victim} at {ingest.Acknowledged} acknowledged; its partitions pulled again {pulledAgainAfter.TotalSeconds:0.0} s later");
            await cluster.RestartAsync(victim);
        }

        await EndIngestAndAssertStoredAsync(cluster, ingest);
    }

    [Fact]
    public async Task A_rolling_restart_under_ingest_and_reads_keeps_reads_answered_and_loses_nothing()
    {
        using var _ = StackEndpoints.Use(stack.Endpoints);
        await stack.EnsureAllUpAsync();
        using var cluster = await SiloCluster.StartAsync("rolling", Silos, DrillSettings);
        using var ingest = SteadyIngest.Start(cluster.Names.Topic, Accounts, PerSecond);
        await ingest.WaitForMoreAsync(20_000, Patience);
        await WaitUntilActiveAccountsAnswerAsync(cluster);

        await using var reads = ReadAvailability.Start(cluster.Silos.Select(s => s.BaseAddress), ActiveAccounts);
        for (var index = 0; index < Silos; index++)
        {
            // As a load balancer would: the silo leaves the rotation, then gets SIGTERM (it drains, commits and
            // leaves the cluster); the others answer for its accounts meanwhile.
            var stopping = cluster[index].BaseAddress;
            reads.ReadThrough(cluster.Silos.Select(s => s.BaseAddress).Where(address => address != stopping));
            var clock = Stopwatch.StartNew();
            await cluster.StopAsync(index, GracefulStop);
            var stoppedIn = clock.Elapsed;
            await cluster.RestartAsync(index);
            reads.ReadThrough(cluster.Silos.Select(s => s.BaseAddress));
            await cluster.WaitUntilEveryPartitionIsPulledAsync(Patience);
            output.WriteLine($"silo {index}: stopped in {stoppedIn.TotalSeconds:0.0} s, back and every partition pulled {clock.Elapsed.TotalSeconds:0.0} s after its stop; reads {reads.Answered} answered, {reads.Failed} not");
            await ingest.WaitForMoreAsync(10_000, Patience);
        }

        await reads.StopAsync();
        var total = reads.Answered + reads.Failed;
        output.WriteLine($"reads during the rolling restart: {reads.Answered} of {total} answered ({100.0 * reads.Answered / total:0.000} %); failures: {reads.Failures}");
        Assert.True(total >= 1_000, $"only {total} reads made: too few to measure availability");
        Assert.True(reads.Answered >= total * 0.999, $"{reads.Failed} of {total} reads not answered ({reads.Failures})");
        await EndIngestAndAssertStoredAsync(cluster, ingest);
    }

    [Fact]
    public async Task Redis_stopped_for_20_seconds_keeps_the_cluster_serving_and_ingesting_and_stops_only_new_silos_from_joining()
    {
        using var _ = StackEndpoints.Use(stack.Endpoints);
        await stack.EnsureAllUpAsync();
        using var cluster = await SiloCluster.StartAsync("redis", Silos, DrillSettings);
        using var ingest = SteadyIngest.Start(cluster.Names.Topic, Accounts, PerSecond);
        await ingest.WaitForMoreAsync(20_000, Patience);
        await WaitUntilActiveAccountsAnswerAsync(cluster);

        Task<int>? joining = null;
        try
        {
            await stack.StopAsync("redis");
            var outage = Stopwatch.StartNew();
            var appliedAtStop = await cluster.SumAsync("ingest_applied_total");
            joining = cluster.AddAsync(); // membership lives in Redis: it must not join while Redis is away
            var reads = 0;
            var running = cluster.Silos; // the three: the fourth is not among them while it starts
            while (outage.Elapsed < Outage)
            {
                foreach (var silo in running)
                {
                    reads += await ReadActiveAccountsAsync(silo.BaseAddress);
                }
            }

            var appliedDuring = await cluster.SumAsync("ingest_applied_total") - appliedAtStop;
            output.WriteLine($"Redis down {outage.Elapsed.TotalSeconds:0.0} s: {reads} reads answered (slowest {_slowestRead.TotalMilliseconds:0} ms), {appliedDuring} features applied, a fourth silo ready: {joining.IsCompletedSuccessfully}");
            Assert.False(joining.IsCompletedSuccessfully, "a silo joined the cluster while its membership store was down");
            Assert.True(appliedDuring > 0, "ingestion stopped while Redis was down");
        }
        finally
        {
            await stack.StartAsync("redis");
            if (joining is not null)
            {
                // The silo started during the outage joins once Redis is back or, having found no membership store,
                // exited at start ("Membership failed to start"); then a new one is started in its place.
                try
                {
                    await joining;
                }
                catch (Exception exception) when (exception is InvalidOperationException or TimeoutException)
                {
                    output.WriteLine($"the silo started during the outage did not join: {exception.Message}; starting it again");
                    await cluster.RestartAsync(Silos);
                }
            }
        }

        // Four silos share the eight partitions evenly: the newcomer got its share.
        await Eventually.Until(
            cluster.PartitionsAsync,
            pulled => pulled.Silos.Count == Silos + 1 && pulled.Silos.All(s => s.Count == SiloCluster.Partitions / (Silos + 1)),
            Patience,
            "the fourth silo pulling its share");
        await EndIngestAndAssertStoredAsync(cluster, ingest);
    }

    [Fact]
    public Task DynamoDB_frozen_for_20_seconds_pauses_ingestion_on_every_silo_and_loses_nothing() =>
        StorageOutageAsync("frozen", stack.FreezeDynamoDbAsync, stack.ThawDynamoDbAsync);

    [Fact]
    public Task DynamoDB_stopped_for_20_seconds_pauses_ingestion_on_every_silo_and_loses_nothing() =>
        StorageOutageAsync("stopped", () => stack.StopAsync("dynamodb"), () => stack.StartAsync("dynamodb"));

    [Fact]
    public async Task The_broker_stopped_for_20_seconds_answers_503_to_writes_keeps_reads_and_recovers_by_itself()
    {
        using var _ = StackEndpoints.Use(stack.Endpoints);
        await stack.EnsureAllUpAsync();
        using var cluster = await SiloCluster.StartAsync("broker", Silos, DrillSettings);
        using var ingest = SteadyIngest.Start(cluster.Names.Topic, Accounts, PerSecond);
        await ingest.WaitForMoreAsync(20_000, Patience);
        await WaitUntilActiveAccountsAnswerAsync(cluster);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) }; // a write may wait out its own 5 s once

        var down = Stopwatch.StartNew();
        var writesRefused = 0;
        var reads = 0;
        try
        {
            await stack.StopAsync("kafka");
            down.Restart();
            while (down.Elapsed < Outage)
            {
                var silo = cluster.Silos[writesRefused % Silos].BaseAddress;
                using var write = await PostFeatureAsync(http, silo, "api-drill", down.ElapsedMilliseconds);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, write.StatusCode);
                Assert.Equal("application/problem+json", write.Content.Headers.ContentType?.MediaType);
                Assert.NotNull(write.Headers.RetryAfter);
                writesRefused++;
                reads += await ReadActiveAccountsAsync(silo);
            }
        }
        finally
        {
            await stack.StartAsync("kafka"); // also when the drill failed: the drills after it need the broker
        }

        // Once a silo's producer knew the brokers were down (librdkafka says so within a second), its writes were
        // refused at once rather than after their own delivery timeout each: only the writes that reached a silo
        // before its circuit opened may have waited.
        var refusedAtOnce = await cluster.SumAsync("kafka_stream_writes_refused_total");
        output.WriteLine($"broker down {down.Elapsed.TotalSeconds:0.0} s: {writesRefused} writes answered 503 ({refusedAtOnce} refused at once), {reads} reads answered 200 (slowest {_slowestRead.TotalMilliseconds:0} ms)");
        Assert.True(refusedAtOnce >= writesRefused - (2 * Silos), $"{refusedAtOnce} of {writesRefused} writes refused at once");

        // Every silo's write path recovers on its own: the first write after the restart may still find the old connection.
        foreach (var silo in cluster.Silos)
        {
            await Eventually.Until(
                async () => (await PostFeatureAsync(http, silo.BaseAddress, "api-drill", 1_000_000)).StatusCode,
                status => status == HttpStatusCode.Accepted,
                Patience,
                $"POST /features accepted again by {silo.BaseAddress}");
        }

        ingest.Expected.Observe("api-drill", "orders", "total_orders", "1000000", 1_000_000);

        // So does the consumer: ingestion goes on past what it had applied when the broker came back.
        var before = await cluster.SumAsync("ingest_applied_total");
        await Eventually.Until(() => cluster.SumAsync("ingest_applied_total"), applied => applied >= before + 20_000, Patience, "ingestion resumed");
        await EndIngestAndAssertStoredAsync(cluster, ingest);
    }

    [Fact]
    public async Task SIGTERM_during_ingest_drains_commits_and_exits_0_within_15_seconds()
    {
        using var _ = StackEndpoints.Use(stack.Endpoints);
        await stack.EnsureAllUpAsync();
        using var silo = await DrillSilo.StartAsync("sigterm");
        using var ingest = SteadyIngest.Start(silo.Topic, Accounts, PerSecond);
        await silo.WaitUntilAppliedAsync(30_000, Patience);

        var stopping = Stopwatch.StartNew();
        await silo.Process.StopAsync(TimeSpan.FromSeconds(15)); // throws TimeoutException past 15 s
        output.WriteLine($"stopped in {stopping.Elapsed.TotalSeconds:0.0} s with exit code {silo.Process.ExitCode}");
        Assert.Equal(0, silo.Process.ExitCode);
        Assert.Contains(File.ReadLines(silo.Log), line => line.Contains("stopped pulling partition", StringComparison.Ordinal));

        await silo.RestartAsync();
        await ingest.WaitForMoreAsync(20_000, Patience);
        await ingest.StopAsync();
        await silo.WaitUntilCommittedToTheEndAsync();

        // Every message has a timestamp above all before it: one found already stored (replayed) or superseded
        // (ignored as older) by the new life was made durable by the old one, yet not committed. The stop drains
        // (stops reading, waits for what was read to be durable and committed) for Ingestion:DrainTimeout; what is
        // still uncommitted then is replayed, and that is bounded by what the silo may hold uncommitted at all.
        var replayed = await silo.MetricAsync("ingest_replayed_total") + await silo.MetricAsync("ingest_ignored_older_total");
        output.WriteLine($"replayed after the graceful stop: {replayed}");
        Assert.InRange(replayed, 0, DrillSilo.MaxUncommittedMessages);
        await silo.AssertStoredAsync(ingest.Expected);
    }

    public void Dispose() => _http.Dispose();

    private async Task StorageOutageAsync(string name, Func<Task> begin, Func<Task> end)
    {
        using var _ = StackEndpoints.Use(stack.Endpoints);
        await stack.EnsureAllUpAsync();
        using var cluster = await SiloCluster.StartAsync(name, Silos, new Dictionary<string, string>(DrillSettings)
        {
            // Retry quickly so the drill sees the pause and the recovery within its 20 s.
            ["Storage__WriteBehind__MaxAttempts"] = "2",
            // A silo pulling 2 of the 8 partitions reads 1,250 records/s: it reaches this bound in 8 s of the 20.
            ["Ingestion__MaxUncommittedMessages"] = StorageOutageBound.ToString(CultureInfo.InvariantCulture),
        });
        using var ingest = SteadyIngest.Start(cluster.Names.Topic, Accounts, PerSecond);
        await ingest.WaitForMoreAsync(20_000, Patience);
        await WaitUntilActiveAccountsAnswerAsync(cluster);
        await WaitUntilEveryAccountAnswersAsync(cluster.Silos[0].BaseAddress);
        var memoryBefore = cluster.Silos.Select(s => s.ResidentBytes()).ToArray();

        var ended = false;
        try
        {
            await begin();
            var outage = Stopwatch.StartNew();
            var notReady = new bool[Silos];
            var consumedAtStart = await cluster.EachAsync("ingest_consumed_total");
            var pausedAt = new double?[Silos]; // what each silo had consumed when it was first seen paused
            var reads = 0;
            while (outage.Elapsed < Outage)
            {
                for (var i = 0; i < Silos; i++)
                {
                    var silo = cluster[i];
                    reads += await ReadActiveAccountsAsync(silo.BaseAddress);
                    using var ready = await _http.GetAsync(new Uri(silo.BaseAddress, "/health/ready"));
                    if (ready.StatusCode == HttpStatusCode.ServiceUnavailable)
                    {
                        notReady[i] = true;
                        Assert.Contains("DynamoDB", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
                    }

                    if (pausedAt[i] is null && await silo.MetricAsync(_http, "ingest_paused") == 1)
                    {
                        pausedAt[i] = await silo.MetricAsync(_http, "ingest_consumed_total");
                    }
                }
            }

            var consumedAtEnd = await cluster.EachAsync("ingest_consumed_total");
            var memoryDuring = cluster.Silos.Select(s => s.ResidentBytes()).ToArray();
            var dirty = await cluster.SumAsync("dynamodb_storage_dirty_namespaces");
            output.WriteLine($"{name} for {outage.Elapsed.TotalSeconds:0.0} s: {reads} reads answered (slowest {_slowestRead.TotalMilliseconds:0} ms); dirty namespaces {dirty}");
            for (var i = 0; i < Silos; i++)
            {
                output.WriteLine($"silo {i}: not ready reported: {notReady[i]}; paused: {pausedAt[i] is not null} (consumed {pausedAt[i]} -> {consumedAtEnd[i]}); RSS {memoryBefore[i] >> 20} -> {memoryDuring[i] >> 20} MB");
            }

            Assert.All(notReady, reported => Assert.True(reported, "a silo's readiness never reported the outage"));
            Assert.Contains(pausedAt, paused => paused is not null); // backpressure engaged
            for (var i = 0; i < Silos; i++)
            {
                // Bounded either way: paused means paused (at most the batches already fetched); a silo pulling few
                // partitions may not have reached its bound yet, but read no more than the bound allows.
                Assert.InRange(consumedAtEnd[i] - (pausedAt[i] ?? consumedAtStart[i]), 0, pausedAt[i] is null ? StorageOutageBound : 20_000);
                Assert.InRange(memoryDuring[i] - memoryBefore[i], long.MinValue, 256L << 20);
            }

            Assert.InRange(dirty, 0, Accounts * 4); // coalesced: one entry per account and namespace at most, cluster-wide

            ended = true;
            await end();
        }
        finally
        {
            if (!ended)
            {
                await end(); // a failed drill must leave DynamoDB running for the drills after it
            }
        }

        foreach (var silo in cluster.Silos)
        {
            using var http = new HttpClient { BaseAddress = silo.BaseAddress };
            await Eventually.Until(
                async () => (await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).StatusCode,
                status => status == HttpStatusCode.OK,
                Patience,
                $"{silo.BaseAddress} ready again");
        }

        await EndIngestAndAssertStoredAsync(cluster, ingest);
    }

    /// <summary>
    /// Lets the ingest run on a little, stops it, waits until every offset is committed, and checks DynamoDB item by
    /// item against what the broker acknowledged: 0 lost, 0 regressed. The ingest must have kept the drill's rate.
    /// </summary>
    private async Task EndIngestAndAssertStoredAsync(SiloCluster cluster, SteadyIngest ingest)
    {
        await ingest.WaitForMoreAsync(20_000, Patience);
        await ingest.StopAsync();
        await cluster.WaitUntilCommittedToTheEndAsync();
        var replayed = await cluster.SumAsync("ingest_replayed_total") + await cluster.SumAsync("ingest_ignored_older_total");
        output.WriteLine($"{ingest.Acknowledged} acknowledged at {ingest.AchievedRate:0}/s; replays counted by the running silos' current lives: {replayed}");
        Assert.True(ingest.AchievedRate >= PerSecond * 0.95, $"the drill's ingest ran at {ingest.AchievedRate:0}/s, under the {PerSecond}/s it promises");
        Assert.Equal(0, ingest.Failed);
        await cluster.AssertStoredAsync(ingest.Expected);
    }

    /// <summary>Waits until every silo answers the accounts read during a drill (20,000 applied does not mean every
    /// account has features yet: on a busy machine the partitions progress unevenly).</summary>
    private async Task WaitUntilActiveAccountsAnswerAsync(SiloCluster cluster)
    {
        foreach (var silo in cluster.Silos)
        {
            await Eventually.Until(() => AnsweringAccountsAsync(silo.BaseAddress), answering => answering == ActiveAccounts, Patience, $"the active accounts answer through {silo.BaseAddress}");
        }
    }

    /// <summary>
    /// Reads the active accounts through one silo; each must answer 200 (from memory, whatever is down). The slowest
    /// is kept in <see cref="_slowestRead"/> for the drill's report.
    /// </summary>
    private async Task<int> ReadActiveAccountsAsync(Uri silo)
    {
        for (var account = 0; account < ActiveAccounts; account++)
        {
            var started = Stopwatch.GetTimestamp();
            using var response = await _http.GetAsync(new Uri(silo, $"/accounts/{SteadyIngest.AccountId(account)}"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var took = Stopwatch.GetElapsedTime(started);
            _slowestRead = took > _slowestRead ? took : _slowestRead;
        }

        return ActiveAccounts;
    }

    /// <summary>
    /// Waits until every account of the ingest answers (through <paramref name="silo"/>; Orleans routes each read to
    /// wherever the account lives), so that a storage outage finds every account's stream registered. Orleans' pulling
    /// agent neither reads a partition nor releases what was delivered while a new stream's handshake waits for its
    /// grain's activation, and an activation loads from DynamoDB: a drill that froze DynamoDB before then saw reading
    /// stop for that reason (in CI: 1,893 to 3,079 records consumed per silo, none paused), not through the
    /// backpressure it is about.
    /// </summary>
    private async Task WaitUntilEveryAccountAnswersAsync(Uri silo)
    {
        var waiting = Enumerable.Range(0, Accounts).Select(SteadyIngest.AccountId).ToHashSet();
        await Eventually.Until(
            async () =>
            {
                foreach (var account in waiting.ToList())
                {
                    if (await AnswersAsync(silo, account))
                    {
                        waiting.Remove(account); // once it has features its activation stays: not asked again
                    }
                }

                return waiting.Count;
            },
            left => left == 0,
            Patience,
            $"every one of the {Accounts} accounts answers through {silo}");
    }

    private async Task<int> AnsweringAccountsAsync(Uri silo)
    {
        var answering = 0;
        for (var account = 0; account < ActiveAccounts; account++)
        {
            answering += await AnswersAsync(silo, SteadyIngest.AccountId(account)) ? 1 : 0;
        }

        return answering;
    }

    private async Task<bool> AnswersAsync(Uri silo, string account)
    {
        try
        {
            using var response = await _http.GetAsync(new Uri(silo, $"/accounts/{account}"));
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (TaskCanceledException)
        {
            return false; // the client's 10 s ran out (a loaded machine, a silo still loading): asked again
        }
    }

    private static async Task<HttpResponseMessage> PostFeatureAsync(HttpClient http, Uri silo, string account, long value)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(silo, "/features"))
        {
            Content = new StringContent(
                $$"""[{"account_id":"{{account}}","feature_name":"total_orders","feature_value":"{{value}}","namespace":"orders","timestamp":{{value}}}]""",
                Encoding.UTF8,
                "application/json"),
            Headers = { { "X-Api-Key", "local-write-key" } },
        };
        return await http.SendAsync(request);
    }
}
