using System.Diagnostics;

namespace AccountMetadata.Testing;

/// <summary>Runs <c>scripts/stack</c> against a given state directory (a private stack, not the shared one).</summary>
public static class StackScript
{
    public static async Task RunAsync(string stackDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo(Path.Combine(StackEndpoints.RepositoryRoot, "scripts", "stack"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["STACK_DIR"] = stackDirectory;
        using var process = Process.Start(start)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"scripts/stack {string.Join(' ', arguments)} failed: {await stderr}{await stdout}");
        }
    }
}
