using System.Diagnostics;
using System.Globalization;


namespace AccountMetadata.Testing;

/// <summary>The silo as a real separate process (so it can be SIGKILLed), on the local stack.</summary>
public sealed class SiloProcess : IDisposable
{
    private readonly Process _process;

    private SiloProcess(Process process, Uri baseAddress, int siloPort)
    {
        _process = process;
        BaseAddress = baseAddress;
        SiloPort = siloPort;
    }

    public Uri BaseAddress { get; }

    /// <summary>The Orleans silo-to-silo port (part of the silo's address in the cluster).</summary>
    public int SiloPort { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>A silo on <paramref name="names"/>' table, topic and group, logging to its log file.</summary>
    public static Task<SiloProcess> StartAsync(SiloNames names, string logLevel = "Warning", IReadOnlyDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(names);
        return StartAsync(names.Table, names.Topic, names.Group, names.LogFile, logLevel, environment);
    }

    public static async Task<SiloProcess> StartAsync(
        string table, string topic, string group, string logFile, string logLevel = "Warning", IReadOnlyDictionary<string, string>? environment = null)
    {
        var ports = LoopbackPorts.Free(2);
        var (port, siloPort) = (ports[0], ports[1]);
        var start = StartInfo(table, topic, group, logLevel, siloPort, environment, "--urls", $"http://127.0.0.1:{port}");
        var process = Process.Start(start)!;
        var log = new StreamWriter(logFile, append: true) { AutoFlush = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var silo = new SiloProcess(process, new Uri($"http://127.0.0.1:{port}"), siloPort);
        try
        {
            using var http = new HttpClient { BaseAddress = silo.BaseAddress };
            await Eventually.Until(
                async () => !process.HasExited && await IsReadyAsync(http),
                ready => ready || process.HasExited,
                TimeSpan.FromSeconds(60),
                "silo process ready");
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the silo process exited during start-up; see {logFile}");
            }

            return silo;
        }
        catch
        {
            silo.Dispose(); // a silo that never became ready must not outlive its test
            throw;
        }
    }

    /// <summary>
    /// Runs a silo that is expected not to start (a configuration it must refuse): its exit code and everything it
    /// printed, or a timeout if it kept running.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunUntilExitAsync(
        IReadOnlyDictionary<string, string> environment, TimeSpan timeout, params string[] arguments)
    {
        var start = StartInfo(StackEndpoints.UniqueName("refused"), "refused-in", "refused-group", "Information", LoopbackPorts.Free(), environment, arguments);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"the silo was expected to refuse to start, but it ran for {timeout}: {await output}");
        }

        return (process.ExitCode, await output + await errors);
    }

    /// <summary>SIGTERM, as an orchestrator stops a service: the silo flushes, commits and exits.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        await SignalAsync("-TERM");
        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    public int ProcessId => _process.Id;

    /// <summary>
    /// SIGSTOP: the silo takes no CPU and reads nothing until <see cref="ThawAsync"/>, its memory (active grains, open
    /// connections) kept. A benchmark fills a backlog this way without the silo competing for the machine meanwhile.
    /// </summary>
    public async Task FreezeAsync() => EnsureSent("-STOP", await SignalAsync("-STOP"));

    /// <summary>SIGCONT after <see cref="FreezeAsync"/>.</summary>
    public async Task ThawAsync() => EnsureSent("-CONT", await SignalAsync("-CONT"));

    /// <summary>Sends a signal with kill(1); its exit code (not 0 when the process is gone).</summary>
    private async Task<int> SignalAsync(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        return kill.ExitCode;
    }

    private void EnsureSent(string signal, int exitCode)
    {
        if (exitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {_process.Id} exited with {exitCode}");
        }
    }

    /// <summary>Resident memory of the silo process, from /proc.</summary>
    public long ResidentBytes()
    {
        var line = File.ReadLines($"/proc/{_process.Id}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
    }

    public int ExitCode => _process.ExitCode;

    /// <summary>SIGKILL: no shutdown hook, no flush, no commit.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    /// <summary>A metric from this silo's <c>/metrics</c>, summed over the samples carrying <paramref name="labels"/>.</summary>
    public async Task<double> MetricAsync(HttpClient http, string name, params string[] labels) =>
        PrometheusText.Sum(await http.GetStringAsync(new Uri(BaseAddress, "/metrics")), name, labels);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    private static ProcessStartInfo StartInfo(
        string table, string topic, string group, string logLevel, int siloPort, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var directory = AppContext.BaseDirectory;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.ArgumentList.Add(Path.Combine(directory, "AccountMetadata.Silo.dll"));
        foreach (var argument in arguments.Concat(["--contentRoot", directory]))
        {
            start.ArgumentList.Add(argument);
        }

        var stack = StackEndpoints.Current;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Local";
        start.Environment["Kafka__BootstrapServers"] = stack.KafkaBootstrap;
        start.Environment["Cluster__SiloPort"] = siloPort.ToString(CultureInfo.InvariantCulture);
        start.Environment["Kafka__IngestTopic"] = topic;
        start.Environment["Kafka__DeadLetterTopic"] = topic + "-dlq";
        start.Environment["Kafka__ConsumerGroup"] = group;
        start.Environment["DynamoDb__ServiceUrl"] = stack.DynamoDbUrl;
        start.Environment["DynamoDb__TableName"] = table;
        start.Environment["Ingestion__CommitInterval"] = "00:00:00.100";
        start.Environment["Logging__LogLevel__Default"] = logLevel;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        return start;
    }

    private static async Task<bool> IsReadyAsync(HttpClient http)
    {
        try
        {
            using var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is not null)
        {
            lock (log)
            {
                log.WriteLine(line);
            }
        }
    }
}
