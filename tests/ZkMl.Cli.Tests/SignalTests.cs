using System.Diagnostics;
using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>A zkml process stopped by SIGTERM while it writes an output leaves neither the output nor its temporary file.</summary>
public class SignalTests
{
    [Fact]
    public async Task SigtermDuringTheKeyWriteRemovesTheTemporaryFile()
    {
        if (OperatingSystem.IsWindows()) return;   // no SIGTERM
        string dir = Directory.CreateTempSubdirectory("zkml-signal-").FullName;
        try
        {
            // The MNIST circuit at max batch 1024: its proving key (≈ 97 MB: 2^20 SRS powers and the fixed-base table)
            // takes long enough to write that the temporary file can be seen and the signal sent while it exists. (At
            // max batch 1 the key is ≈ 43 MB since the table shrank, and on an idle machine the write could finish between
            // two polls: the test failed once in a fresh-clone CI run.)
            string circuit = Path.Combine(dir, "mnist.zkc"), keys = Path.Combine(dir, "keys");
            Zkml.Ok("compile", Path.Combine(RepoPaths.Root, "circuits", "mnist-mlp", "model.onnx"), "-o", circuit, "--quiet");
            var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "zkml.dll"), "setup", circuit, "--dev-srs", "--max-batch", "1024", "-o", keys, "--quiet"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            using var p = Process.Start(psi)!;
            var drainOut = p.StandardOutput.ReadToEndAsync();
            var drainErr = p.StandardError.ReadToEndAsync();
            string? seen = null;
            var sw = Stopwatch.StartNew();
            while (!p.HasExited && sw.Elapsed < TimeSpan.FromMinutes(3))
            {
                if (Directory.Exists(keys) && Directory.GetFiles(keys, ".pk.bin.*.tmp").FirstOrDefault() is { } tmp)
                {
                    seen = tmp;
                    Assert.Equal(0, Native.Kill(p.Id, Native.SigTerm));
                    break;
                }
                await Task.Delay(1);
            }
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await p.WaitForExitAsync(timeout.Token);
            await Task.WhenAll(drainOut, drainErr);
            Assert.True(seen is not null, $"the temporary key file was never seen (exit {p.ExitCode}): {await drainErr}");
            Assert.NotEqual(0, p.ExitCode);
            Assert.False(File.Exists(seen), seen + " was left behind");
            Assert.Empty(Directory.GetFiles(keys, "*.tmp"));
            // The key is written in 4 MiB chunks with the signal checked between them: it never gets renamed into place.
            Assert.False(File.Exists(Path.Combine(keys, "pk.bin")), "pk.bin was written after the signal");
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    private static class Native
    {
        public const int SigTerm = 15;

        [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        public static extern int Kill(int pid, int signal);
    }
}
