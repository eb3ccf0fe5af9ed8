using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using ZkMl.Service.Jobs;

namespace ZkMl.Service.Tests;

/// <summary><c>zkml serve</c> as a real process: killed with SIGKILL while jobs wait, restarted on the same data folder, stopped with SIGTERM.</summary>
public partial class ServeProcessTests(TinyFixture tiny) : IClassFixture<TinyFixture>
{
    [GeneratedRegex(@"listening on (http://\S+) ")]
    private static partial Regex Listening();

    /// <summary>A zkml serve child process (the built zkml.dll beside the tests); killed on dispose if still running.</summary>
    private sealed class Serve : IDisposable
    {
        private readonly Process _p;
        private readonly TaskCompletionSource<string> _url = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _err = new();

        public Serve(string data)
        {
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
            foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "zkml.dll"), "serve", "--port", "0", "--data", data }) psi.ArgumentList.Add(a);
            _p = Process.Start(psi)!;
            _p.ErrorDataReceived += (_, e) =>
            {
                if (e.Data is null) return;
                _err.Enqueue(e.Data);
                if (Listening().Match(e.Data) is { Success: true } m) _url.TrySetResult(m.Groups[1].Value);
            };
            _p.OutputDataReceived += (_, _) => { };
            _p.BeginErrorReadLine();
            _p.BeginOutputReadLine();
        }

        public async Task<HttpClient> ClientAsync()
        {
            var url = await _url.Task.WaitAsync(TimeSpan.FromSeconds(90));
            return new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(90) };
        }

        public string Stderr => string.Join('\n', _err);

        public void Signal(string sig) => Process.Start("kill", $"-{sig} {_p.Id}")!.WaitForExit();

        public int WaitForExit(int seconds)
        {
            Assert.True(_p.WaitForExit(TimeSpan.FromSeconds(seconds)), "zkml serve did not exit:\n" + Stderr);
            return _p.ExitCode;
        }

        public void Dispose()
        {
            if (!_p.HasExited) _p.Kill();
            _p.Dispose();
        }
    }

    [Fact]
    public async Task KilledServer_LosesNoAcceptedJob_AndSigtermStopsCleanly()
    {
        string data = tiny.NewDir("proc");
        string a, b, circuit;
        using (var s1 = new Serve(data))
        {
            var h = await s1.ClientAsync();
            using (var form = Host.Form(("circuit", tiny.Circuit), ("pk", tiny.Pk), ("vk", tiny.Vk)))
            {
                var r = await h.PostAsync("/circuits", form);
                Assert.Equal(HttpStatusCode.Created, r.StatusCode);
                circuit = System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
            }
            a = await Submit(h, circuit, TinyFixture.Rows(16, 21));
            b = await Submit(h, circuit, TinyFixture.Rows(16, 22));
            s1.Signal("KILL"); // a crash: no shutdown code runs
            s1.WaitForExit(30);
        }
        var store = new SqliteJobStore(data);
        Assert.Contains(store.Get(b)!.State, new[] { JobState.Queued, JobState.Running });

        using var s2 = new Serve(data);
        var h2 = await s2.ClientAsync();
        foreach (var id in new[] { a, b })
        {
            var until = DateTime.UtcNow.AddSeconds(180);
            string state;
            do
            {
                var j = System.Text.Json.JsonDocument.Parse(await h2.GetStringAsync($"/jobs/{id}?wait=20")).RootElement;
                state = j.GetProperty("state").GetString()!;
            } while (state is "queued" or "running" && DateTime.UtcNow < until);
            Assert.Equal("done", state);
            Assert.Equal(1, store.Get(id)!.Completions);
        }
        s2.Signal("TERM");
        Assert.Equal(0, s2.WaitForExit(60));
    }

    private static async Task<string> Submit(HttpClient h, string circuit, string json)
    {
        var r = await h.PostAsync($"/circuits/{circuit}/jobs", new StringContent(json));
        Assert.Equal(HttpStatusCode.Accepted, r.StatusCode);
        return System.Text.Json.JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!;
    }
}
