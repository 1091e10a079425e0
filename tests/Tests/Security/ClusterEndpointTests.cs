using System.Globalization;
using System.Net;

namespace AccountMetadata.Tests.Security;

/// <summary>
/// What a silo exposes to its network beside HTTP: the Orleans silo-to-silo and gateway ports bind to the configured
/// address only (loopback locally), and the Redis connection string's password reaches Redis and nothing else.
/// </summary>
public sealed class ClusterEndpointTests
{
    private const string Password = "redis-secret-5f0c3a9e";

    [Fact]
    public async Task A_silo_joins_through_a_password_protected_Redis_binds_its_cluster_ports_to_loopback_and_never_logs_the_password()
    {
        using var redis = await PasswordProtectedRedis.StartAsync(Password);
        var names = SiloNames.Unique("clusterports");
        KafkaTopics.Create(names.Topic);
        var gatewayPort = LoopbackPorts.Free();
        using (var silo = await SiloProcess.StartAsync(names, "Information", new Dictionary<string, string>
        {
            ["Cluster__Clustering"] = "Redis",
            ["Cluster__RedisConnectionString"] = redis.ConnectionString,
            ["Cluster__ClusterId"] = names.Table,
            ["Cluster__GatewayPort"] = gatewayPort.ToString(CultureInfo.InvariantCulture),
            ["Logging__LogLevel__Orleans"] = "Debug",
        }))
        {
            // Ready means the membership table in Redis took this silo: the password worked.
            Assert.Equal(["127.0.0.1"], ListeningAddresses(silo.SiloPort));
            Assert.Equal(["127.0.0.1"], ListeningAddresses(gatewayPort));
            await silo.StopAsync(TimeSpan.FromSeconds(30)); // the whole log, shutdown included
        }

        var log = await File.ReadAllTextAsync(names.LogFile);
        Assert.Contains("membership table 1 silos", log, StringComparison.Ordinal); // it wrote itself into Redis' table
        Assert.DoesNotContain(Password, log, StringComparison.Ordinal);

        // Where a leak is likeliest, an error: a wrong password stops the start, and the reason names no password.
        const string WrongPassword = "wrong-secret-77d1e0b2";
        var (exitCode, output) = await SiloProcess.RunUntilExitAsync(
            new Dictionary<string, string>
            {
                ["Cluster__Clustering"] = "Redis",
                ["Cluster__RedisConnectionString"] = $"127.0.0.1:{redis.Port},password={WrongPassword}",
                ["Logging__LogLevel__Orleans"] = "Debug",
            },
            TimeSpan.FromSeconds(60),
            "--urls",
            $"http://127.0.0.1:{LoopbackPorts.Free()}");
        Assert.NotEqual(0, exitCode);
        Assert.Contains("Membership failed to start", output, StringComparison.Ordinal);
        Assert.DoesNotContain(WrongPassword, output, StringComparison.Ordinal);
    }

    /// <summary>The local addresses of the sockets listening on <paramref name="port"/>, IPv4 and IPv6, from /proc.</summary>
    private static List<string> ListeningAddresses(int port)
    {
        const string Listen = "0A";
        var addresses = new List<string>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // "  sl  local_address rem_address   st ..." with local_address as HEXIP:HEXPORT
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var local = fields[1].Split(':');
                if (fields[3] == Listen && int.Parse(local[1], NumberStyles.HexNumber, CultureInfo.InvariantCulture) == port)
                {
                    addresses.Add(Address(local[0]));
                }
            }
        }

        return addresses;
    }

    /// <summary>/proc writes an IPv4 address as one host-order (here little-endian) hex word; IPv6 as four.</summary>
    private static string Address(string hex)
    {
        var bytes = Convert.FromHexString(hex);
        for (var word = 0; word < bytes.Length; word += 4)
        {
            Array.Reverse(bytes, word, 4);
        }

        return new IPAddress(bytes).ToString();
    }
}
