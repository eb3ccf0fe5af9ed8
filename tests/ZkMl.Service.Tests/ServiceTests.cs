using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ZkMl.Inference;
using ZkMl.Service.Jobs;

namespace ZkMl.Service.Tests;

/// <summary>zkml serve on the tiny circuit: every endpoint, bad inputs, bounded queue, auth, restart, cancellation, tampering.</summary>
public class ServiceTests(TinyFixture tiny) : IClassFixture<TinyFixture>
{
    private ServiceOptions Opts(string? dir = null, int maxQueue = 8, string? key = null, bool dev = false, long maxJob = 16 << 20, double timeoutS = 120) => new()
    {
        Port = 0, DataDir = dir ?? tiny.NewDir("data"), MaxQueue = maxQueue, ApiKey = key, AllowInsecureDevSetup = dev,
        MaxJobBytes = maxJob, JobTimeout = TimeSpan.FromSeconds(timeoutS),
    };

    [Fact]
    public async Task EveryEndpoint_HappyPath()
    {
        await using var h = await Host.StartAsync(Opts());
        var health = await h.GetJsonAsync("/health");
        Assert.Equal("ok", health.GetProperty("status").GetString());

        string openapi = await h.Client.GetStringAsync("/openapi.json");
        using (var doc = JsonDocument.Parse(openapi))
        {
            var paths = doc.RootElement.GetProperty("paths");
            foreach (var p in new[] { "/health", "/metrics", "/circuits", "/circuits/{id}/jobs", "/circuits/{id}/verify", "/jobs/{id}", "/jobs/{id}/proof", "/jobs/{id}/public-inputs", "/jobs/{id}/calldata" })
                Assert.True(paths.TryGetProperty(p, out _), $"openapi.json lacks {p}");
        }

        using (var form = Host.Form(("circuit", tiny.Circuit), ("pk", tiny.Pk), ("vk", tiny.Vk)))
        {
            var r = await h.Client.PostAsync("/circuits", form);
            Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        }
        string circuit = await h.RegisterAsync(tiny); // again: idempotent, 200
        var vk = VerifyingKey.Load(tiny.Vk);
        Assert.Equal(vk.DigestHex, circuit);
        var c = await h.GetJsonAsync($"/circuits/{circuit}");
        Assert.True(c.GetProperty("insecure").GetBoolean());
        Assert.Equal(4, c.GetProperty("inputSize").GetInt32());

        string input = File.ReadAllText(Zkml.Tiny("input.json"));
        string job = await h.SubmitOkAsync(circuit, input);
        var done = await h.WaitAsync(job);
        Assert.Equal("done", done.GetProperty("state").GetString());
        Assert.Equal(16, done.GetProperty("rows").GetInt32());
        Assert.True(done.GetProperty("insecure").GetBoolean());

        byte[] proofBytes = await h.Client.GetByteArrayAsync($"/jobs/{job}/proof");
        var proof = proofBytes.FromFileBytesForTest();
        Assert.True(InferenceVerifier.Verify(vk, proof).IsValid);
        var io = proof.DecodePublicIO(vk);

        var pub = await h.GetJsonAsync($"/jobs/{job}/public-inputs");
        Assert.Equal(16, pub.GetProperty("batch").GetInt32());
        Assert.Equal(io.WordCount, pub.GetProperty("words").GetArrayLength());
        Assert.Equal(io.OutputRow(3).ToArray(), pub.GetProperty("outputs")[3].EnumerateArray().Select(e => e.GetInt64()).ToArray());
        // The batch digest names the quantized rows the proof carries.
        var expectDigest = Convert.ToHexStringLower(Batches.BatchDigest.Batch(vk.Digest, 16, Batches.BatchDigest.Rows(io.Inputs)));
        Assert.Equal(expectDigest, done.GetProperty("batchDigest").GetString());

        var cd = await h.GetJsonAsync($"/jobs/{job}/calldata");
        Assert.StartsWith("0x" + Convert.ToHexStringLower(ZkMl.Evm.Verifier.VerifierCalldata.Selector), cd.GetProperty("calldata").GetString());

        var v = await h.Client.PostAsync($"/circuits/{circuit}/verify", new ByteArrayContent(proofBytes));
        var vj = JsonDocument.Parse(await v.Content.ReadAsStringAsync()).RootElement;
        Assert.True(vj.GetProperty("verified").GetBoolean(), vj.ToString());

        string metrics = await h.Client.GetStringAsync("/metrics");
        Assert.Contains("zkml_jobs{state=\"done\"} 1", metrics);
        Assert.Contains("zkml_jobs_finished_total{state=\"done\"} 1", metrics);
        Assert.Contains("zkml_prove_stage_seconds_count{stage=\"witness\"} 1", metrics);

        // A finished job cannot be cancelled.
        await Problem.AssertAsync(await h.Client.DeleteAsync($"/jobs/{job}"), 409, "done");
    }

    [Fact]
    public async Task BadInputs_AreProblemDetails()
    {
        await using var h = await Host.StartAsync(Opts(maxJob: 4096));
        string circuit = await h.RegisterAsync(tiny);
        await Problem.AssertAsync(await h.SubmitAsync(circuit, "{\"input_data\": [[0.1, 0.2"), 400, "request body", "not valid JSON");
        await Problem.AssertAsync(await h.SubmitAsync(circuit, "{\"input_data\": [[0.1, 0.2, 0.3]]}"), 400, "request body", "3", "4");
        await Problem.AssertAsync(await h.SubmitAsync(circuit, TinyFixture.Rows(17)), 400, "17 rows", "at most 16");
        await Problem.AssertAsync(await h.SubmitAsync(circuit, TinyFixture.Rows(200)), 413, "4,096 bytes");
        await Problem.AssertAsync(await h.SubmitAsync(new string('a', 64), TinyFixture.Rows(1)), 404, "circuit");
        await Problem.AssertAsync(await h.SubmitAsync("nope", TinyFixture.Rows(1)), 404, "circuit");
        await Problem.AssertAsync(await h.Client.GetAsync("/jobs/0123"), 404, "job");
        await Problem.AssertAsync(await h.Client.GetAsync("/jobs/0123/proof"), 404, "job");
        await Problem.AssertAsync(await h.Client.DeleteAsync("/jobs/0123"), 404, "job");
        string job = await h.SubmitOkAsync(circuit, TinyFixture.Rows(1));
        await Problem.AssertAsync(await h.Client.GetAsync($"/jobs/{job}?wait=1000"), 400, "wait");
        // Errors the framework makes itself are problem details as well.
        foreach (var (path, status) in new[] { ($"/jobs/{job}?wait=abc", 400), ("/no-such-endpoint", 404) })
        {
            var r = await h.Client.GetAsync(path);
            Assert.Equal(status, (int)r.StatusCode);
            Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        }

        // Registration: a missing key file, keys of another circuit.
        using (var form = Host.Form(("circuit", tiny.Circuit), ("pk", tiny.Pk)))
            await Problem.AssertAsync(await h.Client.PostAsync("/circuits", form), 400, "'vk'");
        string other = tiny.NewDir("other");
        Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "--dev-seed", "8", "-o", other, "--max-batch", "4", "--json");
        using (var form = Host.Form(("circuit", tiny.Circuit), ("pk", tiny.Pk), ("vk", Path.Combine(other, "vk.bin"))))
            await Problem.AssertAsync(await h.Client.PostAsync("/circuits", form), 400, "vk:", "not the proving key's verifying key");
        using (var form = Host.Form(("circuit", tiny.Pk), ("pk", tiny.Pk), ("vk", tiny.Vk)))
            await Problem.AssertAsync(await h.Client.PostAsync("/circuits", form), 400, "circuit");
        await Problem.AssertAsync(await h.Client.PostAsync("/circuits", new StringContent("{}")), 400, "multipart");
        // Server-side setup needs the start flag.
        using (var form = Host.Form(("circuit", tiny.Circuit)))
        {
            form.Add(new StringContent("dev"), "setup");
            await Problem.AssertAsync(await h.Client.PostAsync("/circuits", form), 403, "--allow-insecure-dev-setup");
        }
        await h.WaitAsync(job);
    }

    [Fact]
    public async Task DevSetup_OnlyWithTheFlag_IsMarkedInsecure()
    {
        await using var h = await Host.StartAsync(Opts(dev: true));
        using var form = Host.Form(("circuit", tiny.Circuit));
        form.Add(new StringContent("dev"), "setup");
        form.Add(new StringContent("4"), "maxBatch");
        var r = await h.Client.PostAsync("/circuits", form);
        var body = JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal(HttpStatusCode.Created, r.StatusCode);
        Assert.True(body.GetProperty("insecure").GetBoolean());
        Assert.Equal(4, body.GetProperty("maxBatch").GetInt32());
        Assert.Contains("INSECURE", body.GetProperty("srs").GetString());
    }

    [Fact]
    public async Task FullQueue_Gets429WithRetryAfter()
    {
        // The first job is held at its first prover stage, so the queue's state does not depend on the
        // machine's speed: ten more at once against a queue of one → one waits, nine find it full.
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var opts = Opts(maxQueue: 1);
        await using var h = await Host.StartAsync(new ServiceOptions
        {
            Port = opts.Port, DataDir = opts.DataDir, MaxQueue = 1, JobTimeout = opts.JobTimeout,
            OnStageStart = (_, _) => { entered.Set(); release.Wait(TimeSpan.FromSeconds(60)); },
        });
        string circuit = await h.RegisterAsync(tiny);
        string input = TinyFixture.Rows(16);
        string running = await h.SubmitOkAsync(circuit, input);
        Assert.True(entered.Wait(TimeSpan.FromSeconds(60)), "the first job never started proving");
        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(_ => h.SubmitAsync(circuit, input)));
        Assert.Equal(1, responses.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.TooManyRequests }));
        var accepted = new List<string>();
        foreach (var r in responses.Where(r => r.StatusCode == HttpStatusCode.Accepted))
            accepted.Add(JsonDocument.Parse(await r.Content.ReadAsStringAsync()).RootElement.GetProperty("id").GetString()!);
        var rejected = responses.FirstOrDefault(r => r.StatusCode == HttpStatusCode.TooManyRequests);
        Assert.NotNull(rejected);
        await Problem.AssertAsync(rejected!, 429, "1 jobs are already queued");
        Assert.True(rejected!.Headers.RetryAfter?.Delta is { TotalSeconds: >= 1 }, "Retry-After missing");
        Assert.Contains($"zkml_jobs_rejected_total {responses.Count(r => r.StatusCode == HttpStatusCode.TooManyRequests)}", await h.Client.GetStringAsync("/metrics"));
        release.Set();
        foreach (var j in accepted.Append(running)) await h.Client.DeleteAsync($"/jobs/{j}");
    }

    [Fact]
    public async Task Cancellation_QueuedAndRunning()
    {
        // Job a is held at its first prover stage until both cancellations are in, so it is running (not
        // done) when its DELETE arrives, however fast the machine.
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var opts = Opts();
        await using var h = await Host.StartAsync(new ServiceOptions
        {
            Port = opts.Port, DataDir = opts.DataDir, MaxQueue = opts.MaxQueue, JobTimeout = opts.JobTimeout,
            OnStageStart = (_, _) => { entered.Set(); release.Wait(TimeSpan.FromSeconds(60)); },
        });
        string circuit = await h.RegisterAsync(tiny);
        string a = await h.SubmitOkAsync(circuit, TinyFixture.Rows(16, 2));
        Assert.True(entered.Wait(TimeSpan.FromSeconds(60)), "job a never started proving");
        string b = await h.SubmitOkAsync(circuit, TinyFixture.Rows(16, 3));
        var rb = await h.Client.DeleteAsync($"/jobs/{b}");
        Assert.Equal(HttpStatusCode.Accepted, rb.StatusCode);
        Assert.Equal("cancelled", (await h.GetJsonAsync($"/jobs/{b}")).GetProperty("state").GetString());
        Assert.Equal("running", (await h.GetJsonAsync($"/jobs/{a}")).GetProperty("state").GetString());
        var ra = await h.Client.DeleteAsync($"/jobs/{a}");
        Assert.Equal(HttpStatusCode.Accepted, ra.StatusCode);
        release.Set();
        var ja = await h.WaitAsync(a);
        Assert.Equal("cancelled", ja.GetProperty("state").GetString());
        await Problem.AssertAsync(await h.Client.GetAsync($"/jobs/{a}/proof"), 409, "cancelled");
    }

    [Fact]
    public async Task Timeout_FailsTheJob()
    {
        await using var h = await Host.StartAsync(Opts(timeoutS: 0.001));
        string circuit = await h.RegisterAsync(tiny);
        var j = await h.WaitAsync(await h.SubmitOkAsync(circuit, TinyFixture.Rows(2)));
        Assert.Equal("failed", j.GetProperty("state").GetString());
        Assert.Contains("timed out", j.GetProperty("error").GetString());
    }

    [Fact]
    public async Task TamperedProof_FailsVerify_AndAStoredProofChangedOnDiskIsNotServed()
    {
        string data = tiny.NewDir("data");
        await using var h = await Host.StartAsync(Opts(data));
        string circuit = await h.RegisterAsync(tiny);
        string job = await h.SubmitOkAsync(circuit, TinyFixture.Rows(3));
        Assert.Equal("done", (await h.WaitAsync(job)).GetProperty("state").GetString());
        byte[] good = await h.Client.GetByteArrayAsync($"/jobs/{job}/proof");
        foreach (int at in new[] { good.Length - 1, good.Length - 200, good.Length / 2 })
        {
            byte[] bad = (byte[])good.Clone();
            bad[at] ^= 1;
            var v = JsonDocument.Parse(await (await h.Client.PostAsync($"/circuits/{circuit}/verify", new ByteArrayContent(bad))).Content.ReadAsStringAsync()).RootElement;
            Assert.False(v.GetProperty("verified").GetBoolean(), $"flipped byte {at} verified");
            Assert.False(string.IsNullOrEmpty(v.GetProperty("reason").GetString()));
        }
        var trunc = JsonDocument.Parse(await (await h.Client.PostAsync($"/circuits/{circuit}/verify", new ByteArrayContent(good[..100]))).Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("Malformed", trunc.GetProperty("failure").GetString());

        string onDisk = Path.Combine(data, "proofs", job + ".proof");
        byte[] stored = File.ReadAllBytes(onDisk);
        stored[^1] ^= 1;
        File.WriteAllBytes(onDisk, stored);
        await Problem.AssertAsync(await h.Client.GetAsync($"/jobs/{job}/proof"), 500, "changed on disk");
    }

    [Fact]
    public async Task ApiKey_RequiredBeyondLoopback_WrongKeyRejected()
    {
        var e = Assert.Throws<ServiceConfigException>(() => ProverHost.Build(new ServiceOptions { Port = 0, Bind = "0.0.0.0", DataDir = tiny.NewDir("d") }));
        Assert.Contains("--api-key-file", e.Message);
        string keyFile = tiny.File("key.txt");
        File.WriteAllText(keyFile, "short\n");
        var r = Zkml.Run("serve", "--bind", "0.0.0.0", "--port", "0", "--data", tiny.NewDir("d"));
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("--api-key-file", r.Err);

        const string key = "0123456789abcdef-secret";
        await using var h = await Host.StartAsync(Opts(key: key), kestrel: true);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/health")).StatusCode);
        var none = await h.Client.GetAsync("/metrics");
        await Problem.AssertAsync(none, 401, "Bearer");
        Assert.Contains("Bearer", none.Headers.WwwAuthenticate.ToString());
        var wrong = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        wrong.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key + "x");
        await Problem.AssertAsync(await h.Client.SendAsync(wrong), 401, "Bearer");
        h.Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        Assert.Equal(HttpStatusCode.OK, (await h.Client.GetAsync("/metrics")).StatusCode);
        string circuit = await h.RegisterAsync(tiny);
        Assert.Equal("done", (await h.WaitAsync(await h.SubmitOkAsync(circuit, TinyFixture.Rows(1)))).GetProperty("state").GetString());
    }

    [Fact]
    public async Task Restart_LosesNoAcceptedJob_EachCompletesOnce()
    {
        // Job a is held at its first prover stage until the host stops (its token is cancelled then), so
        // whatever the machine's speed a is running and b queued when the first host goes down.
        string data = tiny.NewDir("data");
        string circuit, a, b;
        using var entered = new ManualResetEventSlim();
        var opts = Opts(data);
        await using (var h = await Host.StartAsync(new ServiceOptions
        {
            Port = opts.Port, DataDir = data, MaxQueue = opts.MaxQueue, JobTimeout = opts.JobTimeout,
            OnStageStart = (_, ct) => { entered.Set(); ct.WaitHandle.WaitOne(TimeSpan.FromSeconds(60)); },
        }))
        {
            circuit = await h.RegisterAsync(tiny);
            a = await h.SubmitOkAsync(circuit, TinyFixture.Rows(16, 4));
            Assert.True(entered.Wait(TimeSpan.FromSeconds(60)), "job a never started proving");
            b = await h.SubmitOkAsync(circuit, TinyFixture.Rows(16, 5));
        } // stopping cancels a at its stage check: both go back to (or stay in) the queue
        var store = new SqliteJobStore(data);
        Assert.Equal(JobState.Queued, store.Get(a)!.State);
        Assert.Equal(JobState.Queued, store.Get(b)!.State);

        await using (var h2 = await Host.StartAsync(Opts(data)))
        {
            Assert.Equal("done", (await h2.WaitAsync(a)).GetProperty("state").GetString());
            Assert.Equal("done", (await h2.WaitAsync(b)).GetProperty("state").GetString());
            var vk = VerifyingKey.Load(tiny.Vk);
            Assert.True(InferenceVerifier.Verify(vk, (await h2.Client.GetByteArrayAsync($"/jobs/{b}/proof")).FromFileBytesForTest()).IsValid);
        }
        Assert.Equal(1, store.Get(a)!.Completions);
        Assert.Equal(1, store.Get(b)!.Completions);
    }
}

internal static class ProofBytes
{
    /// <summary>Parses a proof file, failing the test with the reason.</summary>
    public static InferenceProof FromFileBytesForTest(this byte[] bytes)
    {
        Assert.True(InferenceProof.TryFromFileBytes(bytes, out var p, out var why), why);
        return p!;
    }
}

