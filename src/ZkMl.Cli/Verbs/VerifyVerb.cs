using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml verify --vk keys/vk.bin --proof proof.bin [--circuit circuit.zkc]</c>: exit 0 and "verified", or exit 1
/// and the reason. A proof checks its statement at one random point, so a changed output cannot be located from
/// the proof; with the key's circuit the verb reruns the integer network on the proven inputs and names the first
/// batch row and output column where the stated outputs differ from it. For a key with private inputs the statement holds
/// the input commitment C_X (printed, and in <c>--json</c>); <c>--input-commitment FILE</c> also requires it to be that file's.
/// </summary>
internal static class VerifyVerb
{
    public static Command Create()
    {
        var vk = new Option<string>("--vk") { HelpName = "FILE", Description = "The verifying key from zkml setup", DefaultValueFactory = _ => Path.Combine("keys", "vk.bin") };
        var proof = new Option<string>("--proof") { HelpName = "FILE", Description = "The proof file from zkml prove", DefaultValueFactory = _ => "proof.bin" };
        var circuit = new Option<string?>("--circuit") { HelpName = "FILE", Description = "The key's circuit (.zkc): rerun it on the proven inputs and name the first output row and column that differ from the statement" };
        var commitment = new Option<string?>("--input-commitment") { HelpName = "FILE", Description = "Private inputs: also require the proof's input commitment C_X to be this file's (input.commit)" };
        var cmd = new Command("verify", "Verify a proof file against a verifying key: exit 0 and \"verified\", or exit 1 and the reason") { vk, proof, circuit, commitment };
        cmd.SetAction(pr => CliHost.Run(pr, "verify", ctx => Run(ctx, pr.GetValue(vk)!, pr.GetValue(proof)!, pr.GetValue(circuit), pr.GetValue(commitment))));
        return cmd;
    }

    private static int Run(VerbContext ctx, string vkPath, string proofPath, string? circuitPath, string? commitmentPath)
    {
        CliFiles.Require(vkPath, FileKind.VerifyingKey);
        if (commitmentPath is not null) CliFiles.Require(commitmentPath, FileKind.InputCommitment);
        if (circuitPath is not null) CliFiles.Require(circuitPath, FileKind.Circuit);
        // A proof file that is not one (a device, too large, another ZkMl file) is a failed verification
        // with the key's fields, like a corrupt proof; it is still refused before a byte of it is read.
        string? proofProblem = null;
        try { CliFiles.Require(proofPath, FileKind.Proof); }
        catch (UserException e) { proofProblem = e.Message; }
        var key = VerifyingKey.Load(vkPath);
        bool isPrivate = key.IsZk && key.Zk.Inputs == InputVisibility.Private;
        if (commitmentPath is not null && !isPrivate)
            throw new UserException($"{vkPath}: --input-commitment applies to keys with private inputs only (this key: {(key.IsZk ? key.Zk.ToString() : "default, not zero-knowledge")})");
        InputCommitment? expected = null;
        if (commitmentPath is not null)
        {
            try { expected = InputCommitment.Load(commitmentPath); }
            catch (InferenceFormatException e) { throw new UserException(e.Message); }
        }
        Pipeline.WarnIfInsecure(ctx, key, vkPath);
        Circuit? circuit = null;
        if (circuitPath is not null)
        {
            circuit = CircuitFile.Load(circuitPath);
            if (!key.Matches(circuit))
                throw new UserException($"{circuitPath}: not the circuit of {vkPath} (its SHA-256 is {circuit.DigestHex[..16]}…, the key was made for {Convert.ToHexStringLower(key.CircuitDigest)[..16]}…)");
        }
        byte[] bytes = proofProblem is null ? File.ReadAllBytes(proofPath) : [];
        var sw = Stopwatch.StartNew();
        VerificationResult result;
        InferenceProof? proof = null;
        if (proofProblem is not null)
            result = new VerificationResult(VerificationFailure.Malformed, proofProblem);
        else if (!InferenceProof.TryFromFileBytes(bytes, out proof, out var fileProblem))
            result = new VerificationResult(VerificationFailure.Malformed, $"{proofPath}: {fileProblem}");
        else
            result = InferenceVerifier.Verify(key, proof!);
        double ms = sw.Elapsed.TotalMilliseconds;
        // The commitment the user expects: the statement's C_X and B must be the file's (the proof binds the statement's C_X).
        if (result.IsValid && expected is not null)
        {
            var statement = proof!.DecodePublicIO(key);
            if (expected.MismatchFor(key) is { } mismatch)
                result = new VerificationResult(VerificationFailure.PublicInputs, $"{commitmentPath} is not a commitment this key's proofs can refer to: {mismatch}");
            else if (statement.InputCommitment != expected.Commitment || statement.InputCommitmentHigh != expected.CommitmentHigh || statement.BatchSize != expected.BatchSize)
                result = new VerificationResult(VerificationFailure.PublicInputs,
                    $"the proof is valid for another input commitment: its C_X {statement.InputCommitmentHex} (B = {statement.BatchSize}) is not {commitmentPath}'s {expected.CommitmentHex} (B = {expected.BatchSize})");
        }

        // With the circuit: the first stated output that differs from what the circuit computes on the proven inputs.
        OutputDifference? diff = null;
        // (a private-input statement holds no input to rerun the circuit on)
        if (circuit is not null && proof is not null && PublicIO.TryDecode(key, proof.PublicInputs, out var stated, out _) && !stated!.IsPrivate)
        {
            diff = OutputDifference.Find(circuit, stated!);
            // A proof that verifies while its outputs are not the circuit's: a forgery, possible only when τ is known.
            if (result.IsValid && diff is not null)
                result = new VerificationResult(VerificationFailure.Output, $"the proof verifies, but its outputs are not the circuit's ({diff}): "
                    + (key.IsInsecure ? "a forgery under a development SRS whose τ is known" : "the key's SRS is compromised"));
            else if (!result.IsValid && result.Failure is not (VerificationFailure.KeyMismatch or VerificationFailure.PublicInputs or VerificationFailure.Malformed))
                result = result with { Reason = result.Reason + (diff is null ? "; the stated outputs are the circuit's on these inputs, so the proof itself is wrong" : $"; {diff}") };
        }

        PublicIO? io = result.IsValid ? proof!.DecodePublicIO(key) : null;
        if (ctx.JsonMode)
        {
            var o = new JsonObject
            {
                ["verified"] = result.IsValid,
                ["failure"] = result.IsValid ? null : result.Failure.ToString(),
                ["reason"] = result.Reason,
                ["error"] = result.IsValid ? null : $"not verified: {result.Reason} ({result.Failure})",
                ["vk"] = Path.GetFullPath(vkPath),
                ["proof"] = Path.GetFullPath(proofPath),
                ["vkDigest"] = key.DigestHex,
                ["zk"] = key.IsZk,
                ["insecure"] = key.IsInsecure,
                ["srs"] = Pipeline.OriginJson(key),
                ["milliseconds"] = Math.Round(ms, 2),
            };
            if (diff is not null) o["outputDiffers"] = diff.ToJson();
            if (io is not null)
            {
                if (io.InputCommitmentHex is { } cx)
                {
                    o["inputCommitment"] = cx;
                    o["inputRangeCheck"] = key.Zk.InputRangeCheck;
                }
                o["batch"] = io.BatchSize;
                o["argmax"] = new JsonArray(Enumerable.Range(0, io.BatchSize).Select(b => (JsonNode)Pipeline.ArgMax(io.OutputRow(b))).ToArray());
            }
            ctx.WriteJson(o);
        }
        else if (result.IsValid)
        {
            if (io!.InputCommitmentHex is { } cx)
            {
                ctx.Out.MarkupLine($"private inputs: input commitment C_X {cx}{(expected is not null ? $" (= {Markup.Escape(commitmentPath!)})" : "")}");
                if (!key.Zk.InputRangeCheck)
                    ctx.Out.MarkupLine("[yellow]note[/]: this key was compiled with --input-range-check off: the proof does not show that the committed inputs are in the input range (the weaker statement of docs/zk-design.md §2); open-input checks them");
            }
            ctx.Out.MarkupLine($"[green]verified[/]: {Markup.Escape(proofPath)} against {Markup.Escape(vkPath)} — a batch of {io.BatchSize}, argmax {string.Join(' ', Enumerable.Range(0, io.BatchSize).Select(b => Pipeline.ArgMax(io.OutputRow(b))))} ({ms:F1} ms)");
        }
        if (result.IsValid) return 0;
        // The proof checks the outputs at one random point, so it cannot say which one is wrong: the circuit can.
        bool hint = circuit is null && result.Failure is not (VerificationFailure.KeyMismatch or VerificationFailure.PublicInputs or VerificationFailure.Malformed);
        ctx.StdErr.WriteLine($"zkml verify: not verified: {result.Reason} ({result.Failure}){(hint ? "; with --circuit circuit.zkc, verify names the first output row and column that differ from the circuit's" : "")}");
        return CliHost.ExitError;
    }
}

/// <summary>The first entry (batch row, output column) where a statement's outputs differ from the circuit's on its inputs.</summary>
internal sealed record OutputDifference(int Row, int Column, bool PaddedRow, bool PaddedColumn, long Stated, long Computed)
{
    /// <summary>Reruns <paramref name="circuit"/> on the statement's inputs (padded rows are zero inputs, copies of row 0 in zero-knowledge mode) and compares every stated output; null when all agree.</summary>
    public static OutputDifference? Find(Circuit circuit, PublicIO io)
    {
        // (zero-knowledge mode: the padded rows are copies of row 0, not zero inputs)
        var rows = Enumerable.Range(0, circuit.Zk.Zk ? io.PaddedBatch : io.BatchSize).Select(b => io.InputRow(b < io.BatchSize ? b : 0).ToArray()).ToArray();
        var w = IntegerExecutor.RunQuantized(circuit, rows);
        var y = w.Output;
        int width = w.Layers[^1].Cols, cols = io.OutputColumns;
        var stated = io.Outputs;
        for (int r = 0; r < io.PaddedBatch; r++)
            for (int c = 0; c < cols; c++)
                if (stated[r * cols + c] != y[(long)r * width + c])
                    return new OutputDifference(r, c, r >= io.BatchSize, c >= io.OutputSize, stated[r * cols + c], y[(long)r * width + c]);
        return null;
    }

    public override string ToString() =>
        $"the first output that differs from the circuit's is {(PaddedRow ? "padded row" : "row")} {Row}, {(PaddedColumn ? "padded column" : "column")} {Column}: "
        + $"the statement says {Stated}, the circuit computes {Computed} from {(PaddedRow ? "a padded row's input (zero; row 0's in zero-knowledge mode)" : "that row's inputs")}";

    public JsonObject ToJson() => new()
    {
        ["row"] = Row, ["column"] = Column, ["paddedRow"] = PaddedRow, ["paddedColumn"] = PaddedColumn, ["stated"] = Stated, ["computed"] = Computed,
    };
}
