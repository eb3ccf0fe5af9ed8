using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml prove circuit.zkc --input input.json [--pk keys/pk.bin] [-o proof.bin] [--input-commitment FILE --input-opening FILE]</c>.
/// For a key with private inputs the statement holds the input commitment C_X: a fresh one is written to PROOF.input.commit
/// and its opening (secret, mode 0600) to PROOF.input.opening (PROOF = the proof path without its extension), unless an
/// existing commitment and opening are given, which are checked against the key's SRS and the inputs before proving.
/// </summary>
internal static class ProveVerb
{
    public static Command Create()
    {
        var circuit = new Argument<string>("CIRCUIT") { Description = "The circuit file (.zkc) the keys were made for" };
        var input = new Option<string>("--input", "-i") { HelpName = "input.json", Description = "The inputs in EZKL's input.json format; several rows make one batch proof", Required = true };
        var pk = new Option<string>("--pk") { HelpName = "FILE", Description = "The proving key from zkml setup", DefaultValueFactory = _ => Path.Combine("keys", "pk.bin") };
        var output = new Option<string>("--output", "-o") { HelpName = "FILE", Description = "The proof file to write (it carries the public inputs and outputs)", DefaultValueFactory = _ => "proof.bin" };
        var strict = new Option<bool>("--strict") { Description = "Refuse input values outside the circuit's input range instead of clamping them (with a warning) to it" };
        var commitment = new Option<string?>("--input-commitment") { HelpName = "FILE", Description = "Private inputs: prove against this existing input commitment (input.commit from zkml commit-input) instead of a fresh one; needs --input-opening" };
        var opening = new Option<string?>("--input-opening") { HelpName = "FILE", Description = "Private inputs: the opening (input.opening) of --input-commitment; it must hold exactly the --input rows" };
        var cmd = new Command("prove", "Prove the inference of a batch of inputs; prints the proven outputs (dequantized) and the argmax of each row")
        {
            circuit, input, pk, output, strict, commitment, opening,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "prove", ctx =>
            Run(ctx, pr.GetValue(circuit)!, pr.GetValue(input)!, pr.GetValue(pk)!, pr.GetValue(output)!, pr.GetValue(strict), pr.GetValue(commitment), pr.GetValue(opening))));
        return cmd;
    }

    /// <summary>PROOF.input.commit and PROOF.input.opening beside the proof (PROOF = its path without the extension).</summary>
    internal static (string Commitment, string Opening) InputFiles(string proofPath)
    {
        string stem = Path.ChangeExtension(proofPath, null);
        return (stem + ".input.commit", stem + ".input.opening");
    }

    private static int Run(VerbContext ctx, string circuitPath, string inputPath, string pkPath, string outPath, bool strict, string? commitmentPath, string? openingPath)
    {
        var sw = Stopwatch.StartNew();
        CliFiles.Require(circuitPath, FileKind.Circuit);
        CliFiles.Require(inputPath, FileKind.Input);
        CliFiles.Require(pkPath, FileKind.ProvingKey);
        if ((commitmentPath is null) != (openingPath is null))
            throw new UserException(commitmentPath is null ? "--input-opening needs --input-commitment (the commitment it opens)" : "--input-commitment needs --input-opening (its opening: the prover must know the committed inputs)");
        if (commitmentPath is not null) { CliFiles.Require(commitmentPath, FileKind.InputCommitment); CliFiles.Require(openingPath!, FileKind.InputOpening); }
        CliFiles.RefuseOverwrite(outPath, "-o", ("CIRCUIT", circuitPath), ("--input", inputPath), ("--pk", pkPath));
        Circuit circuit = CircuitFile.Load(circuitPath);
        // The batch size before the values are parsed: a huge file is refused after one streaming scan.
        byte[] inputBytes = InputData.ReadBytes(inputPath);
        long rows = InputData.CountSamples(inputBytes, circuit.InputSize, inputPath);
        if (rows > InferenceSetup.MaxBatchLimit)
            throw new UserException($"{inputPath}: {rows:N0} samples, more than one proof can hold ({InferenceSetup.MaxBatchLimit:N0}); split the input into several files");
        ProvingKey key = ctx.Step($"reading {pkPath}", () => ProvingKey.Load(pkPath));
        if (!key.Circuit.Digest.AsSpan().SequenceEqual(circuit.Digest))
            throw new UserException($"{pkPath}: made for another circuit (digest {key.Circuit.DigestHex[..16]}…), not {circuitPath} ({circuit.DigestHex[..16]}…); run zkml setup on {circuitPath}");
        // (a zero-knowledge key this version cannot prove for — private inputs are not yet implemented — is refused, never proven in the clear)
        try { InferenceProver.RefuseZk(key.VerifyingKey); }
        catch (ArgumentException ex) { throw new UserException($"{pkPath}: {ex.Message}"); }
        if (rows > key.VerifyingKey.MaxBatch) throw TooManyRows(inputPath, rows, pkPath, key.VerifyingKey.MaxBatch);
        float[][] samples = InputData.Parse(inputBytes, circuit.InputSize, inputPath);
        if (samples.Length > key.VerifyingKey.MaxBatch) throw TooManyRows(inputPath, samples.Length, pkPath, key.VerifyingKey.MaxBatch);
        var clamped = InputRange.Check(circuit, samples);
        if (clamped is not null)
        {
            if (strict) throw new UserException($"{inputPath}: {clamped.Describe(circuit)}; --strict refuses them");
            ctx.Warn($"{inputPath}: {clamped.Describe(circuit)}; they were clamped to the range, so the proof is about the clamped values (--strict refuses such inputs)");
        }
        Pipeline.WarnIfInsecure(ctx, key.VerifyingKey, pkPath);
        var vk = key.VerifyingKey;
        bool isPrivate = vk.IsZk && vk.Zk.Inputs == InputVisibility.Private;
        if (!isPrivate && commitmentPath is not null)
            throw new UserException($"{pkPath}: --input-commitment applies to keys with private inputs only (this key: {(vk.IsZk ? vk.Zk.ToString() : "default, not zero-knowledge")})");
        var (newCommitPath, newOpeningPath) = InputFiles(outPath);
        InputCommitment? given = null;
        InputOpening? givenOpening = null;
        if (isPrivate && commitmentPath is null)
            foreach (var written in new[] { newCommitPath, newOpeningPath })
                CliFiles.RefuseOverwrite(written, "-o", ("CIRCUIT", circuitPath), ("--input", inputPath), ("--pk", pkPath));
        if (commitmentPath is not null)
        {
            try { given = InputCommitment.Load(commitmentPath); givenOpening = InputOpening.Load(openingPath!); }
            catch (InferenceFormatException e) { throw new UserException(e.Message); }
        }
        double loadSeconds = sw.Elapsed.TotalSeconds;

        PrivateInputProof? priv = null;
        var (proof, timings) = ctx.Prove($"proving a batch of {samples.Length}", t =>
        {
            if (!isPrivate) return InferenceProver.Prove(key, samples, t);
            try
            {
                priv = InferenceProver.ProvePrivate(key, samples.Select(x => circuit.QuantizeInput(x)).ToArray(), given, givenOpening, t);
            }
            catch (ArgumentException e) when (given is not null)
            {
                throw new UserException($"{commitmentPath} / {openingPath}: {e.Message}");
            }
            return priv.Proof;
        });
        // Saturation (issue 16): hidden/output values past the calibration maximum, counted per layer.
        var saturated = IntegerExecutor.Run(circuit, samples).SaturationCounts();
        if (saturated.Sum() > 0)
            ctx.Warn($"{saturated.Sum()} activation value(s) saturated past the calibration maximum (per layer: {string.Join(", ", saturated)}); the proof is valid for the clamped network — recompile with wider calibration data or --calibration percentile if this is frequent");
        var io = proof.DecodePublicIO(key.VerifyingKey);
        var file = proof.ToFileBytes();
        if (priv is not null && given is null)
        {
            // the commitment first, then its opening (secret: mode 0600 on Unix; it names the commitment file by its digest)
            CliFiles.EnsureParent(newCommitPath);
            CliHost.WriteAtomic(newCommitPath, priv.Commitment.ToBytes());
            CliHost.WriteSecret(newOpeningPath, priv.Opening.ToBytes());
        }
        CliHost.WriteAtomic(outPath, file);
        double seconds = sw.Elapsed.TotalSeconds;

        if (ctx.JsonMode)
        {
            var json = new JsonObject
            {
                ["proof"] = Path.GetFullPath(outPath),
                ["batch"] = io.BatchSize,
                ["paddedBatch"] = io.PaddedBatch,
                ["proofBytes"] = proof.ProofSize,
                ["publicInputWords"] = io.WordCount,
                ["fileBytes"] = file.Length,
                ["vkDigest"] = Convert.ToHexStringLower(proof.VkDigest),
                ["zk"] = key.VerifyingKey.IsZk,
                ["insecure"] = key.VerifyingKey.IsInsecure,
                ["srs"] = Pipeline.OriginJson(key.VerifyingKey),
                ["outputScale"] = circuit.OutputScale,
                ["rows"] = Pipeline.OutputsJson(io, circuit),
                ["clamped"] = clamped?.ToJson(circuit) ?? new JsonObject { ["count"] = 0 },
                ["outputsAre"] = Pipeline.OutputsKind(circuit),
                ["saturated"] = new JsonArray(saturated.Select(v => (JsonNode)v).ToArray()),
                ["stages"] = StagesJson(timings),
                ["seconds"] = new JsonObject
                {
                    ["load"] = Math.Round(loadSeconds, 3), ["prove"] = Math.Round(timings.Total.TotalSeconds, 3), ["total"] = Math.Round(seconds, 3),
                },
            };
            if (priv is not null)
            {
                json["inputCommitment"] = priv.Commitment.CommitmentHex;
                json["inputCommitmentFile"] = Path.GetFullPath(given is null ? newCommitPath : commitmentPath!);
                json["inputOpeningFile"] = Path.GetFullPath(given is null ? newOpeningPath : openingPath!);
            }
            ctx.WriteJson(json);
            return 0;
        }
        var o = ctx.Out;
        if (!ctx.Quiet) o.Write(Pipeline.OutputsTable(io, circuit));
        o.MarkupLine($"argmax: {string.Join(' ', Enumerable.Range(0, io.BatchSize).Select(b => Pipeline.ArgMax(io.OutputRow(b))))}");
        if (priv is not null)
            o.MarkupLine(given is null
                ? $"private inputs: wrote [green]{Markup.Escape(newCommitPath)}[/] (C_X {priv.Commitment.CommitmentHex[..18]}…) and [yellow]{Markup.Escape(newOpeningPath)}[/] (secret: it reveals the inputs)"
                : $"private inputs: proved against {Markup.Escape(commitmentPath!)} (C_X {priv.Commitment.CommitmentHex[..18]}…)");
        o.MarkupLine($"wrote [green]{Markup.Escape(outPath)}[/]: proof {proof.ProofSize:N0} bytes + {io.WordCount} public words, batch {io.BatchSize} (padded {io.PaddedBatch}){(key.VerifyingKey.IsZk ? ", zero-knowledge" : "")}; proved in {timings.Total.TotalSeconds:F2} s ({seconds:F2} s total)");
        return 0;
    }

    private static UserException TooManyRows(string inputPath, long rows, string pkPath, int maxBatch)
    {
        long padded = rows <= 1 ? 1 : (long)System.Numerics.BitOperations.RoundUpToPowerOf2((ulong)rows);
        string remedy = padded <= InferenceSetup.MaxBatchLimit
            ? $"run zkml setup with --max-batch {padded}"
            : $"split the input (one proof holds at most {InferenceSetup.MaxBatchLimit:N0} samples)";
        return new UserException($"{inputPath}: {rows:N0} rows, but {pkPath} supports batches of at most {maxBatch}; {remedy}");
    }

    /// <summary>The prover's stages in order, with seconds.</summary>
    public static JsonArray StagesJson(ProverTimings t) =>
        new(t.Stages.Select(s => (JsonNode)new JsonObject { ["stage"] = s.Stage, ["seconds"] = Math.Round(s.Time.TotalSeconds, 4) }).ToArray());
}
