using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Xunit.Abstractions;
using ZkMl.Service.Jobs;

namespace ZkMl.Service.Tests;

/// <summary>
/// Bounded load on a real Kestrel host on loopback: 200 concurrent clients submit one-row batches of the
/// tiny circuit for a fixed time (ZKML_LOAD_SECONDS, default 8; each client stops by itself), then every
/// accepted job is awaited. No answer other than 202 and 429, every accepted job done exactly once, the
/// working set bounded. The longer run: <c>ZKML_LOAD_SECONDS=60 dotnet test tests/ZkMl.Service.Tests -c Release --filter LoadTests</c>.
/// </summary>
public class LoadTests(TinyFixture tiny, ITestOutputHelper output) : IClassFixture<TinyFixture>
{
    [Fact]
    public async Task TwoHundredClients_OnlyAcceptedOr429_EachAcceptedJobDoneOnce_MemoryBounded()
    {
        int seconds = int.TryParse(Environment.GetEnvironmentVariable("ZKML_LOAD_SECONDS"), out var s) && s > 0 ? s : 8;
        const int clients = 200;
        string data = tiny.NewDir("load");
        var accepted = new ConcurrentBag<string>();
        var others = new ConcurrentBag<string>();
        int rejected = 0;
        long wsBefore, wsAfter, wsPeak = 0;
        var sw = Stopwatch.StartNew();
        await using (var h = await Host.StartAsync(new ServiceOptions { Port = 0, DataDir = data, MaxQueue = 4, JobTimeout = TimeSpan.FromSeconds(60) }, kestrel: true))
        {
            string circuit = await h.RegisterAsync(tiny);
            // Warm up (JIT, key load) so the memory baseline is the steady state.
            await h.WaitAsync(await h.SubmitOkAsync(circuit, TinyFixture.Rows(1)));
            GC.Collect();
            wsBefore = Process.GetCurrentProcess().WorkingSet64;
            var stopAt = DateTime.UtcNow.AddSeconds(seconds);
            using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients }) { BaseAddress = h.Client.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
            string body = TinyFixture.Rows(1, 99);
            var tasks = Enumerable.Range(0, clients).Select(async c =>
            {
                var rng = new Random(c);
                while (DateTime.UtcNow < stopAt)
                {
                    using var r = await http.PostAsync($"/circuits/{circuit}/jobs", new StringContent(body));
                    if (r.StatusCode == HttpStatusCode.Accepted)
                        accepted.Add(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
                    else if (r.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref rejected);
                    else others.Add($"{(int)r.StatusCode} {await r.Content.ReadAsStringAsync()}");
                    Interlocked.Exchange(ref wsPeak, Math.Max(Interlocked.Read(ref wsPeak), Environment.WorkingSet));
                    await Task.Delay(rng.Next(50, 250));
                }
            });
            await Task.WhenAll(tasks);
            foreach (var id in accepted) Assert.Equal("done", (await h.WaitAsync(id, 60)).GetProperty("state").GetString());
            GC.Collect();
            wsAfter = Process.GetCurrentProcess().WorkingSet64;
        }
        var store = new SqliteJobStore(data);
        foreach (var id in accepted) Assert.Equal(1, store.Get(id)!.Completions);
        Assert.Equal(accepted.Count + 1, store.CountByState()[JobState.Done]);
        output.WriteLine($"{clients} clients for {seconds} s: {accepted.Count} accepted (all done once), {rejected} × 429, {others.Count} other; working set {wsBefore >> 20} MiB before, peak {wsPeak >> 20} MiB, {wsAfter >> 20} MiB after; {sw.Elapsed.TotalSeconds:F1} s in all");
        Assert.Empty(others);
        Assert.True(rejected > 0, "the bounded queue never filled");
        Assert.True(wsAfter - wsBefore < 300L << 20, $"working set grew by {(wsAfter - wsBefore) >> 20} MiB");
    }
}
