using System.CommandLine;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Quantization;
using ZkMl.Inference;
using ZkMl.Proofs;

namespace ZkMl.Cli.Verbs;

/// <summary>
/// <c>zkml open-model --vk keys/vk.bin --secret keys/model.secret --circuit circuit.zkc [--pk keys/pk.bin | --ptau FILE]</c>:
/// opens the hiding model commitment of a zero-knowledge verifying key (docs/zk-design.md §2): recomputes every part
/// commitment [part_j(τ)]₁ + s_j·H from the circuit's weights and the secret's blindings and compares it with the key.
/// Exit 0 and the key digest (the model's identity), or exit 1 and the first part that differs.
/// </summary>
internal static class OpenModelVerb
{
    public static Command Create()
    {
        var vk = new Option<string>("--vk") { HelpName = "FILE", Description = "The zero-knowledge verifying key from zkml setup", DefaultValueFactory = _ => Path.Combine("keys", "vk.bin") };
        var secret = new Option<string?>("--secret", "--model-secret") { HelpName = "FILE", Description = "The model secret written by zkml setup (default: model.secret beside --vk)" };
        var circuit = new Option<string>("--circuit") { HelpName = "FILE", Description = "The circuit (.zkc) whose weights the key should commit to", Required = true };
        var pk = new Option<string?>("--pk") { HelpName = "FILE", Description = "Take the SRS powers from this proving key (default: pk.bin beside --vk, if there)" };
        var ptau = new Option<string?>("--ptau") { HelpName = "FILE", Description = "Take the SRS powers from this snarkjs .ptau file instead of a proving key" };
        var cache = new Option<string?>("--srs-cache") { HelpName = "DIR", Description = "Folder that caches the SRS read from --ptau (default as zkml setup)" };
        var cmd = new Command("open-model", "Check that a zero-knowledge verifying key commits to a circuit's weights, with the blindings of model.secret: exit 0, or exit 1 naming the part that differs")
        {
            vk, secret, circuit, pk, ptau, cache,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "open-model", ctx =>
        {
            if (pr.GetValue(pk) is not null && pr.GetValue(ptau) is not null) throw new UserException("pass at most one of --pk and --ptau (where the SRS powers come from)");
            return Run(ctx, pr.GetValue(vk)!, pr.GetValue(secret), pr.GetValue(circuit)!, pr.GetValue(pk), pr.GetValue(ptau), pr.GetValue(cache));
        }));
        return cmd;
    }

    private static int Run(VerbContext ctx, string vkPath, string? secretPath, string circuitPath, string? pkPath, string? ptauPath, string? cacheDir)
    {
        string dir = Path.GetDirectoryName(Path.GetFullPath(vkPath)) ?? ".";
        secretPath ??= Path.Combine(dir, "model.secret");
        CliFiles.Require(vkPath, FileKind.VerifyingKey);
        CliFiles.Require(secretPath, FileKind.ModelSecret);
        CliFiles.Require(circuitPath, FileKind.Circuit);
        var key = VerifyingKey.Load(vkPath);
        if (!key.IsZk)
            throw new UserException($"{vkPath}: not a zero-knowledge verifying key (version {VerifyingKey.Version}): its model commitments are not blinded and there is nothing to open; zkml setup of the circuit recomputes them");
        var secret = ModelSecret.Load(secretPath);
        var circuit = CircuitFile.Load(circuitPath);
        Srs srs;
        string srsFrom;
        if (ptauPath is not null)
        {
            CliFiles.Require(ptauPath, FileKind.Ptau);
            long powers = 1L << key.ModelVars;
            srs = ctx.Step($"reading {powers:N0} powers from {ptauPath}", () => Srs.FromPtauCached(ptauPath, (int)Math.Max(1, powers - 1), cacheDir ?? SetupVerb.DefaultCache(ctx), ctx.Warn));
            srsFrom = ptauPath;
        }
        else
        {
            pkPath ??= Path.Combine(dir, "pk.bin");
            if (!File.Exists(pkPath)) throw new UserException($"no SRS: pass --pk pk.bin (the proving key made with {vkPath}) or --ptau FILE; the commitments are recomputed from the SRS powers ({pkPath} not found)");
            CliFiles.Require(pkPath, FileKind.ProvingKey);
            var pkey = ctx.Step($"reading {pkPath}", () => ProvingKey.Load(pkPath));
            srs = pkey.Srs;
            srsFrom = pkPath;
        }
        Pipeline.WarnIfInsecure(ctx, key, vkPath);
        var result = ctx.Step("recomputing the model part commitments", () => ModelOpening.Check(key, circuit, secret, srs));
        if (ctx.JsonMode)
        {
            ctx.WriteJson(new JsonObject
            {
                ["opened"] = result.IsValid,
                ["reason"] = result.Reason,
                ["failingParts"] = new JsonArray(result.FailingParts.Select(j => (JsonNode?)JsonValue.Create(j)).ToArray()),
                ["vk"] = Path.GetFullPath(vkPath),
                ["vkDigest"] = key.DigestHex,
                ["circuit"] = Path.GetFullPath(circuitPath),
                ["publicCircuitDigest"] = circuit.PublicDigestHex,
                ["modelParts"] = key.ModelCommitments.Count,
                ["srs"] = Path.GetFullPath(srsFrom),
            });
            return result.IsValid ? 0 : CliHost.ExitError;
        }
        if (!result.IsValid)
        {
            ctx.Err.MarkupLine($"[red]does not open[/]: {Markup.Escape($"{vkPath} with {secretPath} and {circuitPath}: {result.Reason}")}");
            return CliHost.ExitError;
        }
        ctx.Out.MarkupLine($"[green]opened[/]: {Markup.Escape(vkPath)} commits to the weights of {Markup.Escape(circuitPath)} ({key.ModelCommitments.Count} part(s) checked); model identity (vk digest) {key.DigestHex}");
        return 0;
    }
}
