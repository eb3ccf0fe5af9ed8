using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using ZkMl.Compiler.Model;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.Service.Batches;
using ZkMl.Service.Jobs;

namespace ZkMl.Service;

/// <summary>The HTTP+JSON endpoints of <c>zkml serve</c>: thin, like the CLI verbs.</summary>
public static class ProverEndpoints
{
    /// <summary>The longest long-poll a client may ask for (<c>GET /jobs/{id}?wait=S</c>).</summary>
    public const int MaxWaitSeconds = 60;

    /// <summary>Maps every endpoint on <paramref name="app"/>.</summary>
    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/health", (JobStore store) =>
        {
            var c = store.CountByState();
            return Results.Json(new JsonObject { ["status"] = "ok", ["queued"] = c[JobState.Queued], ["running"] = c[JobState.Running] });
        }).WithSummary("Liveness: ok and the queue length (no API key needed)");

        app.MapGet("/metrics", async (HttpContext ctx, JobStore store, ServiceMetrics metrics) =>
        {
            metrics.SetStates(store.CountByState());
            ctx.Response.ContentType = "text/plain; version=0.0.4; charset=utf-8";
            await metrics.Registry.CollectAndExportAsTextAsync(ctx.Response.Body, ctx.RequestAborted);
        }).WithSummary("Prometheus text metrics: jobs by state, finished jobs, prover seconds by stage");

        app.MapPost("/circuits", RegisterCircuit).DisableAntiforgery()
            .WithSummary("Register a circuit: multipart form with files circuit (.zkc), pk and vk; or circuit and setup=dev (+ maxBatch) when the server allows insecure development keys");
        app.MapGet("/circuits/{id}", (string id, CircuitRegistry reg) => Results.Json(CircuitJson(Circuit(reg, id))))
            .WithSummary("A registered circuit");
        app.MapPost("/circuits/{id}/jobs", SubmitJob).WithSummary("Submit a batch (EZKL input.json body): 202 and a job id; 429 with Retry-After when the queue is full");
        app.MapPost("/circuits/{id}/verify", VerifyProof).WithSummary("Verify a proof file (application/octet-stream body) against the circuit's verifying key");
        app.MapGet("/jobs/{id}", GetJob).WithSummary("A job's status; ?wait=S waits up to S seconds (≤ 60) for it to finish");
        app.MapDelete("/jobs/{id}", (string id, JobStore store, ProverQueue queue) =>
        {
            var job = store.Get(id) ?? throw ServiceProblem.NotFound("job", id);
            if (JobState.IsTerminal(job.State)) throw ServiceProblem.Conflict("job already finished", $"job {id} is {job.State}");
            string state = queue.Cancel(id);
            return Results.Json(new JsonObject { ["id"] = id, ["state"] = state }, statusCode: 202);
        }).WithSummary("Cancel a job (queued: at once; running: at the next prover stage)");
        app.MapGet("/jobs/{id}/proof", (string id, JobStore store, CircuitRegistry reg, ProverQueue queue) =>
        {
            var (proof, _, _) = DoneProof(id, store, reg, queue);
            return Results.File(proof.ToFileBytes(), "application/octet-stream", id + ".proof");
        }).WithSummary("The proof file of a done job (re-verified before it is returned)");
        app.MapGet("/jobs/{id}/public-inputs", (string id, JobStore store, CircuitRegistry reg, ProverQueue queue) =>
        {
            var (proof, io, _) = DoneProof(id, store, reg, queue);
            var words = new JsonArray();
            for (int i = 0; i < io.WordCount; i++) words.Add("0x" + Convert.ToHexStringLower(proof.PublicInputs.Slice(32 * i, 32)));
            return Results.Json(new JsonObject
            {
                ["batch"] = io.BatchSize,
                ["inputs"] = Rows(io.BatchSize, io.InputRow),
                ["outputs"] = Rows(io.BatchSize, io.OutputRow),
                ["argmax"] = new JsonArray(Enumerable.Range(0, io.BatchSize).Select(b => (JsonNode)ArgMax(io.OutputRow(b))).ToArray()),
                ["words"] = words,
            });
        }).WithSummary("The proven statement of a done job: quantized inputs, integer output logits, argmax and the packed public-input words");
        app.MapGet("/jobs/{id}/calldata", (string id, JobStore store, CircuitRegistry reg, ProverQueue queue) =>
        {
            var (proof, _, _) = DoneProof(id, store, reg, queue);
            return Results.Json(new JsonObject
            {
                ["signature"] = VerifierCalldata.Signature,
                ["calldata"] = "0x" + Convert.ToHexStringLower(VerifierCalldata.Encode(proof)),
            });
        }).WithSummary("The verifyProof(bytes,uint256[]) calldata of a done job's proof (0x-hex)");
    }

    private static async Task<IResult> RegisterCircuit(HttpContext ctx, CircuitRegistry reg, ServiceOptions o)
    {
        if (ctx.Request.ContentLength > o.MaxCircuitBytes) throw ServiceProblem.TooLarge(o.MaxCircuitBytes);
        if (!ctx.Request.HasFormContentType) throw ServiceProblem.BadRequest("expected a multipart form", "send multipart/form-data with files circuit, pk and vk (or circuit and setup=dev)");
        var form = await ctx.Request.ReadFormAsync(ctx.RequestAborted);
        byte[] circuit = await FormFile(form, "circuit", ctx.RequestAborted) ?? throw ServiceProblem.BadRequest("missing file", "form file 'circuit' (the .zkc from zkml compile) is required");
        CircuitRecord rec;
        bool created;
        if (form["setup"].ToString() is { Length: > 0 } setup)
        {
            if (setup != "dev") throw ServiceProblem.BadRequest("unknown setup", $"setup={setup}: the only server-side setup is 'dev' (an INSECURE development SRS)");
            if (!o.AllowInsecureDevSetup) throw new ServiceProblem(403, "insecure setup not allowed", "this server was not started with --allow-insecure-dev-setup; upload pk and vk made by zkml setup instead");
            int maxBatch = 16;
            if (form["maxBatch"].ToString() is { Length: > 0 } mb && !int.TryParse(mb, NumberStyles.None, CultureInfo.InvariantCulture, out maxBatch))
                throw ServiceProblem.BadRequest("invalid maxBatch", $"maxBatch {mb}: expected a positive integer");
            rec = (await Task.Run(() => reg.RegisterWithDevSetup(circuit, maxBatch), ctx.RequestAborted)).Record;
            created = true;
        }
        else
        {
            byte[] pk = await FormFile(form, "pk", ctx.RequestAborted) ?? throw ServiceProblem.BadRequest("missing file", "form file 'pk' (keys/pk.bin from zkml setup) is required");
            byte[] vk = await FormFile(form, "vk", ctx.RequestAborted) ?? throw ServiceProblem.BadRequest("missing file", "form file 'vk' (keys/vk.bin from zkml setup) is required");
            (rec, created) = await Task.Run(() => reg.Register(circuit, pk, vk), ctx.RequestAborted);
        }
        var body = CircuitJson(reg.Get(rec.Id)!);
        return created ? Results.Created($"/circuits/{rec.Id}", body) : Results.Json(body);
    }

    private static async Task<byte[]?> FormFile(IFormCollection form, string name, CancellationToken ct)
    {
        var f = form.Files.GetFile(name);
        if (f is null) return null;
        using var ms = new MemoryStream((int)Math.Min(f.Length, int.MaxValue));
        await f.CopyToAsync(ms, ct);
        return ms.ToArray();
    }

    private static async Task<IResult> SubmitJob(string id, HttpContext ctx, CircuitRegistry reg, JobStore store, ProverQueue queue, ServiceOptions o, ServiceMetrics metrics)
    {
        var c = Circuit(reg, id);
        string json = Encoding.UTF8.GetString(await ReadBody(ctx, o.MaxJobBytes));
        float[][] samples = InputData.Parse(json, c.Circuit.InputSize, "request body");
        if (Compiler.Quantization.Circuit.NextPowerOfTwo(samples.Length) > c.VerifyingKey.MaxBatch)
            throw ServiceProblem.BadRequest("batch too large", $"request body: {samples.Length} rows, but the circuit's keys support batches of at most {c.VerifyingKey.MaxBatch}");
        byte[] rows = BatchDigest.Rows(c.Circuit, samples);
        string batch = Convert.ToHexStringLower(BatchDigest.Batch(c.VerifyingKey.Digest, samples.Length, rows));
        string jobId = Guid.NewGuid().ToString("N");
        if (!store.TryEnqueue(jobId, id, json, samples.Length, batch, o.MaxQueue))
        {
            metrics.Rejected();
            throw new ServiceProblem(429, "queue full", $"{o.MaxQueue} jobs are already queued; retry later") { RetryAfter = queue.RetryAfterSeconds() };
        }
        queue.Enqueue(jobId);
        return Results.Json(JobJson(store.Get(jobId)!, c), statusCode: 202);
    }

    private static async Task<IResult> GetJob(string id, double? wait, HttpContext ctx, JobStore store, CircuitRegistry reg, ProverQueue queue)
    {
        if (wait is < 0 or > MaxWaitSeconds || (wait is { } w && double.IsNaN(w))) throw ServiceProblem.BadRequest("invalid wait", $"wait={wait}: expected 0…{MaxWaitSeconds} seconds");
        var job = store.Get(id) ?? throw ServiceProblem.NotFound("job", id);
        if (wait is > 0 && !JobState.IsTerminal(job.State)) job = await queue.WaitAsync(id, TimeSpan.FromSeconds(wait.Value), ctx.RequestAborted) ?? job;
        return Results.Json(JobJson(job, reg.Get(job.CircuitId)));
    }

    private static async Task<IResult> VerifyProof(string id, HttpContext ctx, CircuitRegistry reg, ServiceOptions o)
    {
        var c = Circuit(reg, id);
        byte[] bytes = await ReadBody(ctx, o.MaxJobBytes);
        VerificationResult r;
        InferenceProof? proof = null;
        if (!InferenceProof.TryFromFileBytes(bytes, out proof, out var problem)) r = new VerificationResult(VerificationFailure.Malformed, $"request body: {problem}");
        else r = InferenceVerifier.Verify(c.VerifyingKey, proof!);
        var body = new JsonObject
        {
            ["verified"] = r.IsValid,
            ["failure"] = r.IsValid ? null : r.Failure.ToString(),
            ["reason"] = r.Reason,
            ["vkDigest"] = c.VerifyingKey.DigestHex,
        };
        if (r.IsValid) body["batch"] = proof!.DecodePublicIO(c.VerifyingKey).BatchSize;
        return Results.Json(body);
    }

    /// <summary>The proof of a done job, read from disk and re-verified.</summary>
    private static (InferenceProof Proof, PublicIO Io, LoadedCircuit Circuit) DoneProof(string id, JobStore store, CircuitRegistry reg, ProverQueue queue)
    {
        var job = store.Get(id) ?? throw ServiceProblem.NotFound("job", id);
        if (job.State != JobState.Done) throw ServiceProblem.Conflict("no proof", $"job {id} is {job.State}" + (job.Error is null ? "" : $": {job.Error}"));
        var c = reg.Get(job.CircuitId) ?? throw new InvalidOperationException($"circuit {job.CircuitId} of job {id} is gone");
        if (!InferenceProof.TryFromFileBytes(File.ReadAllBytes(queue.ProofPath(id)), out var proof, out var why))
            throw new ServiceProblem(500, "stored proof does not verify", $"the stored proof of job {id} is unreadable ({why}); it was changed on disk");
        var r = InferenceVerifier.Verify(c.VerifyingKey, proof!);
        if (!r.IsValid) throw new ServiceProblem(500, "stored proof does not verify", $"the stored proof of job {id} fails verification ({r.Failure}: {r.Reason}); it was changed on disk");
        return (proof!, proof!.DecodePublicIO(c.VerifyingKey), c);
    }

    private static LoadedCircuit Circuit(CircuitRegistry reg, string id) =>
        (id.Length == 64 && id.All(Uri.IsHexDigit) ? reg.Get(id) : null) ?? throw ServiceProblem.NotFound("circuit", id);

    private static async Task<byte[]> ReadBody(HttpContext ctx, long limit)
    {
        if (ctx.Request.ContentLength > limit) throw ServiceProblem.TooLarge(limit);
        var size = ctx.Features.Get<IHttpMaxRequestBodySizeFeature>();
        if (size is { IsReadOnly: false }) size.MaxRequestBodySize = limit;
        using var ms = new MemoryStream();
        var buf = new byte[81920];
        int n;
        while ((n = await ctx.Request.Body.ReadAsync(buf, ctx.RequestAborted)) > 0)
        {
            if (ms.Length + n > limit) throw ServiceProblem.TooLarge(limit);
            ms.Write(buf, 0, n);
        }
        return ms.ToArray();
    }

    private static JsonObject CircuitJson(LoadedCircuit c) => new()
    {
        ["id"] = c.Record.Id,
        ["name"] = c.Record.Name,
        ["circuitDigest"] = c.Record.CircuitDigest,
        ["vkDigest"] = c.VerifyingKey.DigestHex,
        ["inputSize"] = c.Record.InputSize,
        ["outputSize"] = c.Record.OutputSize,
        ["maxBatch"] = c.Record.MaxBatch,
        ["insecure"] = c.VerifyingKey.IsInsecure,
        ["srs"] = c.ProvingKey.Srs.Description,
    };

    private static JsonObject JobJson(JobRecord j, LoadedCircuit? c) => new()
    {
        ["id"] = j.Id,
        ["circuit"] = j.CircuitId,
        ["state"] = j.State,
        ["rows"] = j.Rows,
        ["batchDigest"] = j.BatchDigest,
        ["created"] = j.Created,
        ["started"] = j.Started,
        ["finished"] = j.Finished,
        ["error"] = j.Error,
        ["proveSeconds"] = j.ProveSeconds,
        ["insecure"] = c?.VerifyingKey.IsInsecure,
        ["links"] = j.State == JobState.Done
            ? new JsonObject { ["proof"] = $"/jobs/{j.Id}/proof", ["publicInputs"] = $"/jobs/{j.Id}/public-inputs", ["calldata"] = $"/jobs/{j.Id}/calldata" }
            : null,
    };

    private delegate ReadOnlySpan<long> RowOf(int b);

    private static JsonArray Rows(int count, RowOf row)
    {
        var a = new JsonArray();
        for (int b = 0; b < count; b++) a.Add(new JsonArray(row(b).ToArray().Select(v => (JsonNode)v).ToArray()));
        return a;
    }

    private static int ArgMax(ReadOnlySpan<long> v)
    {
        int b = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[b]) b = i;
        return b;
    }
}
