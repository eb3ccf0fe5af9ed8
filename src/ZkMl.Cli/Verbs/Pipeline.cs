using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Spectre.Console;
using ZkMl.Compiler.Model;
using ZkMl.Compiler.Quantization;
using ZkMl.Proofs;
using ZkMl.Inference;

namespace ZkMl.Cli.Verbs;

/// <summary>Steps shared by setup, prove, bench and demo: SRS sizing, the proven outputs as a table or JSON.</summary>
internal static class Pipeline
{
    /// <summary>The padded batch for a requested maximum: the next power of two, checked against the library's limit.</summary>
    public static int PaddedMaxBatch(int requested)
    {
        if (requested < 1 || requested > InferenceSetup.MaxBatchLimit)
            throw new UserException($"--max-batch {requested}: expected 1…{InferenceSetup.MaxBatchLimit}");
        return Circuit.NextPowerOfTwo(requested);
    }

    /// <summary>
    /// <c>--fixed-base-table on|off</c> of setup and bench: whether the proving key holds the fixed-base table of the
    /// SRS powers a batch-1 opening uses (and the model's fold bases). On by default: bench/README.md "Issue 19 kernels
    /// and memory" gives the key size and prove time of both.
    /// </summary>
    public static Option<string> FixedBaseTableOption() => new("--fixed-base-table")
    {
        HelpName = "on|off",
        Description = "Store precomputed multiples of the SRS powers a proof of one input opens (1 KiB per power; faster commitments and openings) in the proving key: on (the default) or off (a smaller key)",
        DefaultValueFactory = _ => "on",
    };

    /// <summary>The value of <see cref="FixedBaseTableOption"/>.</summary>
    public static bool ParseFixedBaseTable(string value) => value switch
    {
        "on" => true,
        "off" => false,
        _ => throw new UserException($"--fixed-base-table '{value}': expected on or off"),
    };

    /// <summary>What setup of a circuit will need, known at compile time.</summary>
    /// <param name="MaxBatch">The padded batch the figures are for.</param>
    /// <param name="Powers">SRS powers (G1 points) of the ceremony file or development SRS.</param>
    /// <param name="ProvingKeyBytes">Size of pk.bin (<see cref="InferenceSetup.EstimateProvingKeyBytes(Circuit, int)"/>).</param>
    /// <param name="SetupMemoryBytes">Memory of setup, about: the key in memory and once serialized, plus the model vector.</param>
    public sealed record SetupCosts(int MaxBatch, long Powers, long ProvingKeyBytes, long SetupMemoryBytes)
    {
        /// <summary>A key above this size gets a warning at compile time.</summary>
        public const long LargeKeyBytes = 1L << 30;

        /// <summary>The costs for <paramref name="circuit"/> with batches up to <paramref name="maxBatch"/>.</summary>
        public static SetupCosts Of(Circuit circuit, int maxBatch)
        {
            long pk = InferenceSetup.EstimateProvingKeyBytes(circuit, maxBatch);
            long model = circuit.Layers.Sum(l => (long)l.PaddedInputSize * l.PaddedOutputSize + l.PaddedOutputSize);
            return new SetupCosts(maxBatch, InferenceSetup.RequiredPowers(circuit, maxBatch), pk, 2 * pk + 8 * 2 * model);
        }

        /// <summary>Why these costs deserve a warning (a large key, or more memory than this machine has), or null.</summary>
        public string? Warning()
        {
            long available = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
            var why = new List<string>();
            if (ProvingKeyBytes > LargeKeyBytes) why.Add($"a proving key of {CliFiles.Size(ProvingKeyBytes)} (more than {CliFiles.Size(LargeKeyBytes)})");
            if (available > 0 && SetupMemoryBytes > available / 2) why.Add($"about {CliFiles.Size(SetupMemoryBytes)} of memory during setup (this machine has {CliFiles.Size(available)})");
            if (ProvingKeyBytes > InputFiles.Limit(FileKind.ProvingKey)) why.Add($"a key larger than zkml prove can read ({InputFiles.LimitText(InputFiles.Limit(FileKind.ProvingKey))})");
            return why.Count == 0 ? null
                : $"setup of this circuit for batches up to {MaxBatch} will need {string.Join(" and ", why)}; fewer --act-bits or --limb-bits, or a smaller --max-batch at setup, make it smaller";
        }

        /// <summary>The figures as JSON.</summary>
        public JsonObject ToJson() => new()
        {
            ["maxBatch"] = MaxBatch, ["srsPowers"] = Powers, ["provingKeyBytes"] = ProvingKeyBytes, ["setupMemoryBytes"] = SetupMemoryBytes,
        };
    }

    /// <summary>
    /// An INSECURE development SRS with <paramref name="powers"/> G1 powers, τ from the OS CSPRNG (or, for
    /// reproducible tests, from <paramref name="seed"/>); says so on stderr, always.
    /// </summary>
    public static Srs DevSrs(VerbContext ctx, long powers, int? seed)
    {
        if (powers > int.MaxValue) throw new UserException($"the circuit needs {powers:N0} SRS powers, more than a development SRS can hold");
        int degree = (int)Math.Max(1, powers - 1);
        var srs = ctx.Step($"making a development SRS with {powers:N0} powers",
            () => seed is int s ? Srs.CreateInsecureDev(degree, s) : Srs.CreateInsecureDev(degree));
        ctx.Alert($"{srs.Description}. For tests and demos only; use --ptau with a ceremony file for real proofs.");
        return srs;
    }

    /// <summary>The stderr warning of every verb that loads a key made on a development SRS (shown with --quiet and --json too).</summary>
    public static void WarnIfInsecure(VerbContext ctx, VerifyingKey vk, string keyPath)
    {
        if (vk.IsInsecure)
            ctx.Alert($"{keyPath} was made on an INSECURE development SRS: whoever made it knows τ and can forge proofs that verify under it. Use keys made with zkml setup --ptau CEREMONY.ptau for real proofs.");
    }

    /// <summary>The SRS origin of a key, for --json results: kind, contributions, ceremony hash, [τ]₂ fingerprint.</summary>
    public static JsonObject OriginJson(VerifyingKey vk) => new()
    {
        ["kind"] = vk.Origin.IsInsecure ? "development" : "ceremony",
        ["contributions"] = vk.Origin.Contributions,
        ["ceremonyHash"] = vk.Origin.CeremonyHashHex,
        ["tauG2Sha256"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(ZkMl.Algebra.Evm.EvmEncoding.EncodeG2(vk.Kzg.TauG2))),
    };

    /// <summary>Index of the largest value (the first on ties).</summary>
    public static int ArgMax(ReadOnlySpan<long> v)
    {
        int b = 0;
        for (int i = 1; i < v.Length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    /// <summary>
    /// What the proven outputs are: the final activation's values (proven by its table), or logits — with a
    /// final Softmax that is not applied and not proven (its argmax is the logits' argmax).
    /// </summary>
    public static string OutputsKind(Circuit circuit) =>
        circuit.ProvesOutputActivation ? $"{circuit.OutputActivation.ToName()} outputs (the final activation is proven)"
        : circuit.OutputActivation == Activation.Softmax ? "logits: the final Softmax is not applied and cannot be proven exactly (argmax is the same)"
        : "logits";

    /// <summary>The proven outputs of each real row: integers (logits, or the proven final activation's values), dequantized values and argmax.</summary>
    public static JsonArray OutputsJson(PublicIO io, Circuit circuit)
    {
        var rows = new JsonArray();
        for (int b = 0; b < io.BatchSize; b++)
        {
            var z = io.OutputRow(b);
            var y = circuit.DequantizeOutput(z);
            rows.Add(new JsonObject
            {
                ["argmax"] = ArgMax(z),
                [circuit.OutputsAreLogits ? "logits" : "quantized"] = new JsonArray(z.ToArray().Select(v => (JsonNode)v).ToArray()),
                ["outputs"] = new JsonArray(y.Select(v => (JsonNode)Math.Round(v, 6)).ToArray()),
            });
        }
        return rows;
    }

    /// <summary>A table of the proven outputs per row (dequantized) and the argmax; long rows are elided in the middle.</summary>
    public static Table OutputsTable(PublicIO io, Circuit circuit, IReadOnlyList<int>? labels = null)
    {
        var t = new Table().Border(TableBorder.Rounded).Title("proven outputs: " + OutputsKind(circuit))
            .Caption($"dequantized: {(circuit.OutputsAreLogits ? "logit" : "value")} × {circuit.OutputScale.ToString("G4", CultureInfo.InvariantCulture)}");
        t.AddColumn("row");
        if (labels is not null) t.AddColumn("label");
        t.AddColumn("argmax");
        if (labels is not null) t.AddColumn("");
        t.AddColumn("outputs");
        for (int b = 0; b < io.BatchSize; b++)
        {
            var z = io.OutputRow(b);
            var y = circuit.DequantizeOutput(z);
            int am = ArgMax(z);
            var cells = new List<string> { b.ToString(CultureInfo.InvariantCulture) };
            if (labels is not null) cells.Add(labels[b].ToString(CultureInfo.InvariantCulture));
            cells.Add(am.ToString(CultureInfo.InvariantCulture));
            if (labels is not null) cells.Add(labels[b] == am ? "ok" : "MISS");
            cells.Add(FormatRow(y));
            t.AddRow(cells.Select(c => new Text(c)).ToArray());
        }
        return t;
    }

    private static string FormatRow(double[] y)
    {
        static string F(double v) => v.ToString("F3", CultureInfo.InvariantCulture);
        if (y.Length <= 10) return string.Join(" ", y.Select(F));
        return string.Join(" ", y.Take(5).Select(F)) + " … " + string.Join(" ", y.TakeLast(3).Select(F));
    }
}
