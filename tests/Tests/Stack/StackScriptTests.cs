using AccountMetadata.Tests.Infrastructure;

namespace AccountMetadata.Tests.Stack;

public sealed class StackScriptTests
{
    /// <summary>Runs a second, private stack (its own state directory and ports) so the shared one keeps serving.</summary>
    [Fact]
    public async Task Down_stops_exactly_the_processes_up_started()
    {
        var stackDirectory = Directory.CreateTempSubdirectory("stack-test-").FullName;
        try
        {
            await RunStackAsync(stackDirectory, "up");
            var pids = (await File.ReadAllLinesAsync(Path.Combine(stackDirectory, "pids")))
                .Select(line => int.Parse(line.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture))
                .ToArray();
            Assert.Equal(4, pids.Length); // ZooKeeper, Kafka, DynamoDB Local, Redis
            Assert.All(pids, pid => Assert.True(IsAlive(pid), $"pid {pid} should run after up"));
            var endpoints = await File.ReadAllTextAsync(Path.Combine(stackDirectory, "endpoints.env"));
            Assert.DoesNotContain(StackEndpoints.Current.KafkaBootstrap, endpoints, StringComparison.Ordinal);

            await RunStackAsync(stackDirectory, "down");
            Assert.All(pids, pid => Assert.False(IsAlive(pid), $"pid {pid} still runs after down"));
            Assert.False(File.Exists(Path.Combine(stackDirectory, "pids")));
        }
        finally
        {
            await RunStackAsync(stackDirectory, "down");
            Directory.Delete(stackDirectory, recursive: true);
        }
    }

    private static bool IsAlive(int pid)
    {
        // A zombie (exited, not yet reaped) is not running: read the state from /proc rather than kill -0.
        var status = $"/proc/{pid}/status";
        return File.Exists(status) && !File.ReadAllLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains('Z', StringComparison.Ordinal));
    }

    private static Task RunStackAsync(string stackDirectory, string command) => StackScript.RunAsync(stackDirectory, command);
}
