using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;
using ZkMl.Proofs;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml commit-input --pk keys/pk.bin --input input.json [-o DIR] [--strict]</c>: the hiding commitment C_X to a batch of
/// private inputs (docs/zk-design.md §6, docs/protocol.md "Private inputs"): writes DIR/input.commit (public) and
/// DIR/input.opening (secret: the quantized values and the blinding s_X). The key must be a zero-knowledge private-input
/// key: it gives the SRS with its blinding base H, the row width 2^{i_0} and the input quantization.
/// </summary>
internal static class CommitInputVerb
{
    public const string CommitmentFile = "input.commit", OpeningFile = "input.opening";

    public static Command Create()
    {
        var pk = new Option<string>("--pk") { HelpName = "FILE", Description = "The proving key of a circuit compiled with --zk --input-visibility private", DefaultValueFactory = _ => Path.Combine("keys", "pk.bin") };
        var input = new Option<string>("--input", "-i") { HelpName = "input.json", Description = "The inputs in EZKL's input.json format; several rows make one batch", Required = true };
        var output = new Option<string>("--output", "-o") { HelpName = "DIR", Description = $"Folder for {CommitmentFile} and {OpeningFile}", DefaultValueFactory = _ => "." };
        var strict = new Option<bool>("--strict") { Description = "Refuse input values outside the circuit's input range instead of clamping them (with a warning) to it" };
        var cmd = new Command("commit-input", $"Commit to a batch of private inputs: writes {CommitmentFile} (public) and {OpeningFile} (secret: it reveals the inputs)")
        {
            pk, input, output, strict,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "commit-input", ctx => Run(ctx, pr.GetValue(pk)!, pr.GetValue(input)!, pr.GetValue(output)!, pr.GetValue(strict))));
        return cmd;
    }

    private static int Run(VerbContext ctx, string pkPath, string inputPath, string outDir, bool strict)
    {
        CliFiles.Require(pkPath, FileKind.ProvingKey);
        CliFiles.Require(inputPath, FileKind.Input);
        string commitPath = Path.Combine(outDir, CommitmentFile), openingPath = Path.Combine(outDir, OpeningFile);
        foreach (var written in new[] { commitPath, openingPath })
            CliFiles.RefuseOverwrite(written, "-o", ("--pk", pkPath), ("--input", inputPath));
        ProvingKey key = ctx.Step($"reading {pkPath}", () => ProvingKey.Load(pkPath));
        OpenInputVerb.RequirePrivateInputKey(key, pkPath);
        var circuit = key.Circuit;
        byte[] inputBytes = InputData.ReadBytes(inputPath);
        long count = InputData.CountSamples(inputBytes, circuit.InputSize, inputPath);
        if (count > key.VerifyingKey.MaxBatch)
            throw new UserException($"{inputPath}: {count:N0} rows, but {pkPath} supports batches of at most {key.VerifyingKey.MaxBatch}; a proof could not use the commitment (run zkml setup with a larger --max-batch, or split the input)");
        float[][] samples = InputData.Parse(inputBytes, circuit.InputSize, inputPath);
        var clamped = InputRange.Check(circuit, samples);
        if (clamped is not null)
        {
            if (strict) throw new UserException($"{inputPath}: {clamped.Describe(circuit)}; --strict refuses them");
            ctx.Warn($"{inputPath}: {clamped.Describe(circuit)}; they were clamped to the range, so the commitment is to the clamped values (--strict refuses such inputs)");
        }
        var rows = samples.Select(s => circuit.QuantizeInput(s)).ToArray();
        int rowWidth = 1 << key.VerifyingKey.Layers[0].InVars;
        var (commitment, opening) = ctx.Step($"committing {rows.Length} row(s) of {circuit.InputSize} values (hiding)",
            () => InputCommitment.Commit(key.Srs, rowWidth, circuit.InputSize, key.VerifyingKey.XBytes, rows));
        CliFiles.EnsureParent(commitPath);
        // The commitment first, then the opening (it names the commitment file by its digest; secret: mode 0600 on Unix). Each
        // file goes to a temporary file and is renamed.
        CliHost.WriteAtomic(commitPath, commitment.ToBytes());
        CliHost.WriteSecret(openingPath, opening.ToBytes());
        Pipeline.WarnIfInsecure(ctx, key.VerifyingKey, pkPath);
        if (ctx.JsonMode)
        {
            var json = OpenInputVerb.CommitmentJson(commitment);
            json["commitment"] = Path.GetFullPath(commitPath);
            json["opening"] = Path.GetFullPath(openingPath);
            json["clamped"] = clamped?.ToJson(circuit) ?? new JsonObject { ["count"] = 0 };
            json["insecure"] = key.VerifyingKey.IsInsecure;
            ctx.WriteJson(json);
            return 0;
        }
        ctx.Out.MarkupLine($"wrote [green]{Markup.Escape(commitPath)}[/] (C_X {commitment.CommitmentHex[..18]}…, batch {commitment.BatchSize}, padded {commitment.PaddedBatch} × {commitment.RowWidth}) and [green]{Markup.Escape(openingPath)}[/] (secret: it reveals the inputs)");
        return 0;
    }
}

/// <summary>
/// <c>zkml open-input --commitment input.commit --opening input.opening [--input input.json] (--pk pk.bin | --ptau FILE
/// [--circuit circuit.zkc])</c>: recomputes C_X from the opening's values and blinding on the SRS and compares it with the
/// commitment (exit 0, or exit 1 with the reason); with <c>--input</c> also checks that the opening holds exactly those
/// inputs (quantized with the circuit of the key, or of <c>--circuit</c>).
/// </summary>
internal static class OpenInputVerb
{
    public static Command Create()
    {
        var commitment = new Option<string>("--commitment") { HelpName = "FILE", Description = "The input commitment (input.commit) from zkml commit-input", Required = true };
        var opening = new Option<string>("--opening") { HelpName = "FILE", Description = "The opening (input.opening) written with it" };
        var input = new Option<string?>("--input", "-i") { HelpName = "input.json", Description = "Also check that the opening holds exactly these inputs (after quantization)" };
        var pk = new Option<string?>("--pk") { HelpName = "FILE", Description = "Take the SRS (and the circuit for --input) from this zero-knowledge private-input proving key" };
        var ptau = new Option<string?>("--ptau") { HelpName = "FILE", Description = "Take the SRS from this snarkjs .ptau file instead of a proving key" };
        var circuit = new Option<string?>("--circuit") { HelpName = "FILE", Description = "With --ptau and --input: the circuit (.zkc) whose quantization the inputs get" };
        var cache = new Option<string?>("--srs-cache") { HelpName = "DIR", Description = "Folder that caches the SRS read from --ptau (default as zkml setup)" };
        var cmd = new Command("open-input", "Check that an opening opens an input commitment (and, with --input, that it holds those inputs): exit 0, or exit 1 with the reason")
        {
            commitment, opening, input, pk, ptau, circuit, cache,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "open-input", ctx =>
        {
            string? pkPath = pr.GetValue(pk), ptauPath = pr.GetValue(ptau), circuitPath = pr.GetValue(circuit);
            if ((pkPath is null) == (ptauPath is null)) throw new UserException("pass exactly one of --pk pk.bin or --ptau FILE (the SRS the commitment is recomputed on)");
            if (circuitPath is not null && ptauPath is null) throw new UserException("--circuit only applies with --ptau (with --pk the key's circuit quantizes --input)");
            if (circuitPath is not null && pr.GetValue(input) is null) throw new UserException("--circuit only applies with --input (it quantizes the inputs)");
            if (ptauPath is not null && pr.GetValue(input) is not null && circuitPath is null) throw new UserException("--input with --ptau needs --circuit circuit.zkc (its quantization turns the inputs into the committed integers)");
            string commitPath = pr.GetValue(commitment)!;
            string openingPath = pr.GetValue(opening) ?? Path.Combine(Path.GetDirectoryName(Path.GetFullPath(commitPath)) ?? ".", CommitInputVerb.OpeningFile);
            return Run(ctx, commitPath, openingPath, pr.GetValue(input), pkPath, ptauPath, circuitPath, pr.GetValue(cache));
        }));
        return cmd;
    }

    /// <summary>Refuses a key that is not a zero-knowledge private-input key.</summary>
    internal static void RequirePrivateInputKey(ProvingKey key, string pkPath)
    {
        var zk = key.VerifyingKey.Zk;
        if (!zk.Zk || zk.Inputs != InputVisibility.Private)
            throw new UserException($"{pkPath}: not a zero-knowledge private-input key ({zk}); input commitments belong to circuits compiled with --zk --input-visibility private");
    }

    internal static JsonObject CommitmentJson(InputCommitment c) => new()
    {
        ["batch"] = c.BatchSize,
        ["paddedBatch"] = c.PaddedBatch,
        ["rowWidth"] = c.RowWidth,
        ["inputSize"] = c.InputSize,
        ["inputCommitment"] = c.CommitmentHex,
        ["inputCommitmentHalves"] = c.IsSplit ? 2 : 1,
        ["srsFingerprint"] = Convert.ToHexStringLower(c.SrsFingerprint),
    };

    private static int Run(VerbContext ctx, string commitPath, string openingPath, string? inputPath, string? pkPath, string? ptauPath, string? circuitPath, string? cacheDir)
    {
        CliFiles.Require(commitPath, FileKind.InputCommitment);
        CliFiles.Require(openingPath, FileKind.InputOpening);
        if (inputPath is not null) CliFiles.Require(inputPath, FileKind.Input);
        if (circuitPath is not null) CliFiles.Require(circuitPath, FileKind.Circuit);
        var commitment = InputCommitment.Load(commitPath);
        var opening = InputOpening.Load(openingPath);
        Srs srs;
        Circuit? circuit = null;
        string srsFrom;
        if (pkPath is not null)
        {
            CliFiles.Require(pkPath, FileKind.ProvingKey);
            var key = ctx.Step($"reading {pkPath}", () => ProvingKey.Load(pkPath));
            RequirePrivateInputKey(key, pkPath);
            srs = key.Srs;
            circuit = key.Circuit;
            srsFrom = pkPath;
        }
        else
        {
            CliFiles.Require(ptauPath!, FileKind.Ptau);
            long powers = (long)commitment.PaddedBatch * commitment.RowWidth;
            srs = ctx.Step($"reading {powers:N0} powers from {ptauPath}", () => Srs.FromPtauCached(ptauPath!, (int)Math.Max(1, powers - 1), cacheDir ?? SetupVerb.DefaultCache(ctx), ctx.Warn));
            if (circuitPath is not null) circuit = CircuitFile.Load(circuitPath);
            srsFrom = ptauPath!;
        }
        if (srs.BlindingBase is null)
            throw new UserException($"{srsFrom}: the SRS has no blinding base H = alphaTauG1[0]; an input commitment is recomputed with it");
        var result = ctx.Step("recomputing C_X", () => commitment.Check(opening, srs));
        string? reason = result.IsValid ? null : $"{openingPath} does not open {commitPath}: {result.Reason}";
        bool? inputsMatch = null;
        if (result.IsValid && inputPath is not null)
        {
            if (circuit!.InputSize != commitment.InputSize)
                throw new UserException($"{(circuitPath ?? pkPath)}: the circuit has {circuit.InputSize} inputs per row, {commitPath} commits rows of {commitment.InputSize}");
            var samples = InputData.Load(inputPath, circuit.InputSize);
            var held = opening.Holds(samples.Select(s => circuit.QuantizeInput(s)).ToArray());
            inputsMatch = held.IsValid;
            if (!held.IsValid) reason = $"{openingPath} opens {commitPath}, but not to {inputPath}: {held.Reason}";
        }
        bool ok = reason is null;
        if (ctx.JsonMode)
        {
            var json = CommitmentJson(commitment);
            json["opened"] = ok;
            json["reason"] = reason;
            json["inputsChecked"] = inputsMatch is not null;
            json["inputsMatch"] = inputsMatch;
            json["commitment"] = Path.GetFullPath(commitPath);
            json["opening"] = Path.GetFullPath(openingPath);
            json["srs"] = Path.GetFullPath(srsFrom);
            ctx.WriteJson(json);
            return ok ? 0 : CliHost.ExitError;
        }
        if (!ok)
        {
            ctx.Err.MarkupLine($"[red]does not open[/]: {Markup.Escape(reason!)}");
            return CliHost.ExitError;
        }
        string inputs = inputsMatch == true ? $", and they are the inputs of {inputPath}" : "";
        ctx.Out.MarkupLine($"[green]opened[/]: {Markup.Escape($"{commitPath} (C_X {commitment.CommitmentHex[..18]}…) commits to the {commitment.BatchSize} row(s) of {openingPath}{inputs}")}");
        return 0;
    }
}
