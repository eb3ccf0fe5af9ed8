using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml setup circuit.zkc (--ptau FILE [--ptau-verified] | --dev-srs) [-o keys/] [--max-batch N]</c>: writes pk.bin and vk.bin,
/// and for a zero-knowledge circuit model.secret (the blindings of the model commitment) after the SRS provenance check.
/// </summary>
internal static class SetupVerb
{
    /// <summary>The default of --max-batch (compile reports the setup costs for it).</summary>
    public const int DefaultMaxBatch = 16;

    public static Command Create()
    {
        var circuit = new Argument<string>("CIRCUIT") { Description = "The circuit file (.zkc) written by zkml compile" };
        var ptau = new Option<string?>("--ptau") { HelpName = "FILE", Description = "A snarkjs powers-of-tau file (.ptau, BN254), e.g. from the Perpetual Powers of Tau ceremony" };
        var dev = new Option<bool>("--dev-srs") { Description = "Use an INSECURE development SRS from a random τ instead (tests and demos only: whoever knows τ can forge proofs)" };
        var output = new Option<string>("--output", "-o") { HelpName = "DIR", Description = "Folder for pk.bin and vk.bin", DefaultValueFactory = _ => "keys" };
        var maxBatch = new Option<int>("--max-batch") { HelpName = "N", Description = "Largest batch (rows of input.json) one proof may hold; rounded up to a power of two", DefaultValueFactory = _ => DefaultMaxBatch };
        var seed = new Option<int?>("--dev-seed") { HelpName = "SEED", Description = "Reproducible tests only: τ of the development SRS from this 31-bit seed (anyone can find it by trying seeds); default: τ from the OS CSPRNG" };
        var cache = new Option<string?>("--srs-cache") { HelpName = "DIR", Description = "Folder that caches the SRS read from --ptau (default: $XDG_CACHE_HOME/zkml, else $HOME/.cache/zkml, else no cache)" };
        var verified = new Option<bool>("--ptau-verified") { Description = "Zero-knowledge circuits: you state that the --ptau file was verified (snarkjs powersoftau verify succeeded, or its hash matches a published one); needed for a ceremony zkml does not pin, whose blinding base alphaTauG1[0] it cannot check" };
        var table = Pipeline.FixedBaseTableOption();
        var cmd = new Command("setup", "Commit the model and write the proving key (pk.bin) and verifying key (vk.bin) for a circuit (and model.secret for a zero-knowledge circuit)")
        {
            circuit, ptau, dev, output, maxBatch, seed, cache, verified, table,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "setup", ctx =>
        {
            string? ptauPath = pr.GetValue(ptau);
            bool devSrs = pr.GetValue(dev);
            if ((ptauPath is null) == !devSrs)
                throw new UserException("pass exactly one of --ptau FILE (a snarkjs .ptau ceremony file) or --dev-srs (INSECURE, for tests and demos)");
            if (!devSrs && pr.GetValue(seed) is not null) throw new UserException("--dev-seed only applies with --dev-srs");
            Pipeline.PaddedMaxBatch(pr.GetValue(maxBatch));
            if (devSrs && pr.GetValue(verified)) throw new UserException("--ptau-verified only applies with --ptau (a development SRS is INSECURE whatever is stated)");
            bool withTable = Pipeline.ParseFixedBaseTable(pr.GetValue(table)!);
            return Run(ctx, pr.GetValue(circuit)!, ptauPath, pr.GetValue(seed), pr.GetValue(output)!, pr.GetValue(maxBatch), pr.GetValue(cache), pr.GetValue(verified), withTable);
        }));
        return cmd;
    }

    private static int Run(VerbContext ctx, string circuitPath, string? ptauPath, int? devSeed, string outDir, int maxBatchArg, string? cacheDir, bool ptauVerified, bool fixedBaseTable)
    {
        var sw = Stopwatch.StartNew();
        CliFiles.Require(circuitPath, FileKind.Circuit);
        if (ptauPath is not null) CliFiles.Require(ptauPath, FileKind.Ptau);
        string pkPath = Path.Combine(outDir, "pk.bin"), vkPath = Path.Combine(outDir, "vk.bin"), secretPath = Path.Combine(outDir, "model.secret");
        int maxBatch = Pipeline.PaddedMaxBatch(maxBatchArg);
        Circuit circuit = ctx.Step($"reading {circuitPath}", () => CircuitFile.Load(circuitPath));
        bool zk = circuit.Zk.Zk;
        foreach (var written in zk ? new[] { pkPath, vkPath, secretPath } : [pkPath, vkPath])
            CliFiles.RefuseOverwrite(written, "-o", ("CIRCUIT", circuitPath), ("--ptau", ptauPath));
        if (ptauVerified && !zk) ctx.Info("--ptau-verified has no effect on a default circuit (only zero-knowledge setup uses the blinding base alphaTauG1[0])");
        if (maxBatch != maxBatchArg) ctx.Info($"max batch {maxBatchArg} rounded up to {maxBatch} (batches are padded to a power of two)");

        long powers = InferenceSetup.RequiredPowers(circuit, maxBatch);
        var srsWatch = Stopwatch.StartNew();
        Srs srs = ptauPath is null
            ? Pipeline.DevSrs(ctx, powers, devSeed)
            : ctx.Step($"reading and validating {powers:N0} powers from {ptauPath}", () => ReadPtau(ctx, ptauPath, powers, maxBatch, cacheDir ?? DefaultCache(ctx)));
        double srsSeconds = srsWatch.Elapsed.TotalSeconds;

        var setupWatch = Stopwatch.StartNew();
        ProvingKey pk;
        VerifyingKey vk;
        ZkSetup? zkSetup = null;
        if (zk)
        {
            try { zkSetup = ctx.Step("checking the SRS's blinding base and committing the model parts (hiding)", () => InferenceSetup.RunZk(circuit, srs, maxBatch, ptauVerified, fixedBaseTable)); }
            catch (SrsProvenanceException e) when (e.Check.Verdict == BlindingBaseVerdict.UnknownCeremony)
            {
                throw new UserException($"{ptauPath}: {e.Check.Message}. If it was, pass --ptau-verified (zero-knowledge setup refuses it otherwise; docs/zk-design.md A2)");
            }
            catch (SrsProvenanceException e) { throw new UserException($"{ptauPath ?? "the SRS"}: {e.Message}"); }
            (pk, vk) = (zkSetup.ProvingKey, zkSetup.VerifyingKey);
            ReportProvenance(ctx, zkSetup.Provenance);
        }
        else (pk, vk) = ctx.Step("committing the model vector", () => InferenceSetup.Run(circuit, srs, maxBatch, fixedBaseTable));
        double setupSeconds = setupWatch.Elapsed.TotalSeconds;

        CliFiles.EnsureParent(pkPath);
        byte[] pkBytes = ctx.Step($"writing {pkPath}", () => pk.ToBytes());
        // (the secret first: keys without it could not open the model; each file is written to a temporary file and renamed)
        // secret files (the model blindings; a ZK pk.bin holds them too): mode 0600 on Unix
        if (zkSetup is not null) CliHost.WriteSecret(secretPath, zkSetup.Secret.ToBytes());
        if (zkSetup is not null) CliHost.WriteSecret(pkPath, pkBytes);
        else CliHost.WriteAtomic(pkPath, pkBytes);
        CliHost.WriteAtomic(vkPath, vk.ToBytes());
        double seconds = sw.Elapsed.TotalSeconds;

        if (ctx.JsonMode)
        {
            var json = new JsonObject
            {
                ["circuit"] = Path.GetFullPath(circuitPath),
                ["circuitDigest"] = circuit.DigestHex,
                ["pk"] = Path.GetFullPath(pkPath),
                ["vk"] = Path.GetFullPath(vkPath),
                ["pkBytes"] = pkBytes.Length,
                ["vkBytes"] = vk.ToBytes().Length,
                ["vkDigest"] = vk.DigestHex,
                ["maxBatch"] = vk.MaxBatch,
                ["fixedBaseTable"] = pk.Srs.Table is { } t ? t.Count : 0,
                ["modelVectorLog2"] = vk.ModelVars,
                ["insecure"] = vk.IsInsecure,
                ["srs"] = new JsonObject
                {
                    ["description"] = srs.Description, ["insecure"] = srs.IsInsecure, ["powers"] = powers,
                    ["kind"] = vk.Origin.IsInsecure ? "development" : "ceremony", ["contributions"] = vk.Origin.Contributions,
                    ["ceremonyHash"] = vk.Origin.CeremonyHashHex, ["tauG2Sha256"] = srs.TauG2Fingerprint,
                },
                ["seconds"] = new JsonObject
                {
                    ["srs"] = Math.Round(srsSeconds, 3), ["setup"] = Math.Round(setupSeconds, 3), ["total"] = Math.Round(seconds, 3),
                },
                ["zk"] = zk,
            };
            if (zkSetup is not null)
            {
                json["inputVisibility"] = ZkSettings.Name(circuit.Zk.Inputs);
                json["inputRangeCheck"] = circuit.Zk.InputRangeCheck;
                json["publicCircuitDigest"] = circuit.PublicDigestHex;
                json["modelSecret"] = Path.GetFullPath(secretPath);
                json["modelParts"] = vk.ModelCommitments.Count;
                json["srsProvenance"] = new JsonObject
                {
                    ["verdict"] = VerdictName(zkSetup.Provenance.Verdict), ["message"] = zkSetup.Provenance.Message,
                    ["ceremony"] = zkSetup.Provenance.Ceremony, ["ptauVerified"] = ptauVerified,
                };
            }
            ctx.WriteJson(json);
            return 0;
        }
        var o = ctx.Out;
        string wrote = $"wrote [green]{Markup.Escape(pkPath)}[/] ({CliFiles.Size(pkBytes.Length)}) and [green]{Markup.Escape(vkPath)}[/] ({CliFiles.Size(vk.ToBytes().Length)}); vk digest {vk.DigestHex[..16]}… in {seconds:F2} s";
        if (ctx.Quiet)
        {
            o.MarkupLine(wrote);
            return 0;
        }
        o.MarkupLine($"[bold]{Markup.Escape(CliText.Printable(circuit.Name ?? Path.GetFileName(circuitPath)))}[/]: model vector 2^{vk.ModelVars}, batches up to {vk.MaxBatch}, {powers:N0} SRS powers ({Markup.Escape(srs.IsInsecure ? "INSECURE development SRS" : srs.Description)})");
        if (zkSetup is not null)
            o.MarkupLine($"zero-knowledge keys ({Markup.Escape(circuit.Zk.ToString())}): {vk.ModelCommitments.Count} hiding model part(s); the vk digest is the model's identity; [yellow]{Markup.Escape(secretPath)}[/] and {Markup.Escape(pkPath)} hold the blindings: keep them secret (zkml open-model checks the model against the key)");
        o.MarkupLine(wrote);
        return 0;
    }

    /// <summary>The verdict's name in --json: development, pinned, planted, unknown, missing.</summary>
    internal static string VerdictName(BlindingBaseVerdict v) => v switch
    {
        BlindingBaseVerdict.Development => "development",
        BlindingBaseVerdict.PinnedCeremony => "pinned",
        BlindingBaseVerdict.PlantedBlindingBase => "planted",
        BlindingBaseVerdict.UnknownCeremony => "unknown",
        _ => "missing",
    };

    /// <summary>Says which provenance case applied (stderr, also with --json and --quiet: it is what the keys' hiding and binding rest on).</summary>
    private static void ReportProvenance(VerbContext ctx, BlindingBaseCheck check)
    {
        switch (check.Verdict)
        {
            case BlindingBaseVerdict.Development:
                ctx.Alert($"SRS provenance: development SRS — {check.Message}");
                break;
            case BlindingBaseVerdict.UnknownCeremony:
                ctx.Alert($"SRS provenance: unknown ceremony, accepted because --ptau-verified states the file was verified — {check.Message}");
                break;
            default:
                ctx.Info($"SRS provenance: {VerdictName(check.Verdict)} — {check.Message}");
                break;
        }
    }

    private static Srs ReadPtau(VerbContext ctx, string ptauPath, long powers, int maxBatch, string? cacheDir)
    {
        if (powers > int.MaxValue) throw new UserException($"the circuit needs {powers:N0} SRS powers; use a smaller --max-batch");
        try
        {
            return Srs.FromPtauCached(ptauPath, (int)Math.Max(1, powers - 1), cacheDir, ctx.Warn);
        }
        catch (SrsFormatException e) when (e.Problem.StartsWith("too small", StringComparison.Ordinal))
        {
            throw new UserException($"{e.Message}; batches up to {maxBatch} need {powers:N0} powers: use a larger .ptau or a smaller --max-batch");
        }
    }

    /// <summary>
    /// $XDG_CACHE_HOME/zkml, else $HOME/.cache/zkml (each only if set to an absolute path, as the XDG base
    /// directory specification asks), else null: no cache, with a warning.
    /// </summary>
    internal static string? DefaultCache(VerbContext ctx)
    {
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (xdg is { Length: > 0 } && Path.IsPathFullyQualified(xdg)) return Path.Combine(xdg, "zkml");
        string? home = Environment.GetEnvironmentVariable("HOME");
        if (home is { Length: > 0 } && Path.IsPathFullyQualified(home)) return Path.Combine(home, ".cache", "zkml");
        ctx.Warn("neither XDG_CACHE_HOME nor HOME is set to an absolute path: the SRS is not cached (pass --srs-cache DIR to cache it)");
        return null;
    }
}
