using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace AccountMetadata.Tests.Security;

/// <summary>
/// A real <c>redis-server</c> of this test's own (the stack's Redis has no password, as most local ones do) that
/// refuses every command until AUTH with <see cref="Password"/>; killed on dispose.
/// </summary>
internal sealed class PasswordProtectedRedis : IDisposable
{
    private readonly Process _process;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string?> _output = new();

    private PasswordProtectedRedis(Process process, int port, string password)
    {
        _process = process;
        Port = port;
        Password = password;
    }

    public int Port { get; }

    public string Password { get; }

    /// <summary>The connection string a silo is given: StackExchange.Redis' format, the password in it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port},password={Password}";

    public static async Task<PasswordProtectedRedis> StartAsync(string password)
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("redis-server") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--requirepass", password, "--save", "", "--appendonly", "no" })
        {
            start.ArgumentList.Add(argument);
        }

        var redis = new PasswordProtectedRedis(Process.Start(start)!, port, password);
        redis._process.OutputDataReceived += (_, e) => redis._output.Enqueue(e.Data);
        redis._process.ErrorDataReceived += (_, e) => redis._output.Enqueue(e.Data);
        redis._process.BeginOutputReadLine();
        redis._process.BeginErrorReadLine();
        try
        {
            await Eventually.Until(redis.RefusesWithoutPasswordAsync, TimeSpan.FromSeconds(30), "redis-server answering");
            return redis;
        }
        catch (TimeoutException exception)
        {
            redis.Dispose();
            throw new TimeoutException($"{exception.Message}; redis-server said: {string.Join(" | ", redis._output)}", exception);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
    }

    /// <summary>True once the server answers, and answers a PING without AUTH with its NOAUTH refusal.</summary>
    private async Task<bool> RefusesWithoutPasswordAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[128];
            var read = await stream.ReadAsync(buffer);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            return false; // not listening yet, or not ready to answer
        }
    }
}
