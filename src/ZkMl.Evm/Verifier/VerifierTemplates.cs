using System.Reflection;
using System.Text.RegularExpressions;
using ZkMl.Inference;
using ZkMl.Proofs.Commitments;
using ZkMl.Proofs.Lookups;
using ZkMl.Proofs.Openings;
using ZkMl.Proofs.Sumcheck;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// The fixed Solidity/Yul texts the verifier generator assembles (embedded resources of this
/// assembly, from <c>src/ZkMl.Evm/Verifier/Templates</c>).
/// </summary>
public static partial class VerifierTemplates
{
    private static readonly Lazy<string> CoreText = new(() => Read("VerifierCore.yul"));
    private static readonly Lazy<string> ContractText = new(() => Read("Verifier.sol.template"));
    private static readonly Lazy<string> SpatialCoreText = new(() => Read("SpatialCore.yul"));
    private static readonly Lazy<string> OpeningCoreText = new(() => Read("OpeningCore.yul"));
    private static readonly Lazy<string> ZkCoreText = new(() => Read("ZkCore.yul"));
    private static readonly Lazy<string> HelpersText = new(() => Read("InferenceHelpers.yul"));
    private static readonly Lazy<string> SplitContractText = new(() => Read("SplitVerifier.sol.template"));

    /// <summary>
    /// The verifier core: Yul functions (transcript, field checks, degree-2 sumcheck in plain and
    /// zero-check mode, LogUp, batched opening, HyperKZG with precompiles 0x06–0x08) meant to be
    /// pasted into an inline-assembly block of a contract that declares the constants
    /// <c>R_MOD</c>, <c>P_MOD</c> and <c>INV_TWO</c>.
    /// </summary>
    public static string Core => CoreText.Value;

    /// <summary>
    /// The fixed Yul helpers of the generated batched-opening claim code of default-mode verifiers (dense and conv keys;
    /// Templates/OpeningCore.yul), labels substituted.
    /// </summary>
    public static string OpeningCore => OpeningCoreText.Value;

    /// <summary>
    /// The conv and pooling helpers (selector sums, the degree-d zero-check, small point utilities) that a verifier of a key
    /// with conv or pooling layers adds to <see cref="Core"/>; dense verifiers do not contain them.
    /// </summary>
    public static string SpatialCore => SpatialCoreText.Value;

    /// <summary>
    /// The zero-knowledge helpers (the Libra-masked sumcheck of docs/protocol.md "Sumcheck → ZK mode", the hiding HyperKZG of
    /// "HyperKZG → ZK mode", the ZK batched opening of "Batched openings → ZK mode", the masked LogUp of "LogUp → ZK mode") that a verifier of a ZK
    /// key adds to <see cref="Core"/>; default-mode verifiers do not contain them.
    /// </summary>
    public static string ZkCore => ZkCoreText.Value;

    /// <summary>The contract skeleton with the placeholders the generator fills in.</summary>
    public static string Contract => ContractText.Value;

    /// <summary>
    /// The fixed inference helpers (statement decoding, the MLEs of X and Y, claim records) that follow <see cref="Core"/> in
    /// every generated verifier; they read the circuit constants of the contract.
    /// </summary>
    public static string Helpers => HelpersText.Value;

    /// <summary>
    /// The skeleton of a verifier in two contracts (docs/protocol.md "On-chain verifier"): <c>NAMEFirstPart</c> with the
    /// <c>{{FIRST}}</c> Yul, and <c>NAME</c>, which creates it in its constructor and runs <c>{{SECOND}}</c>.
    /// </summary>
    public static string SplitContract => SplitContractText.Value;

    /// <summary>Replaces the <c>{{CORE}}</c> placeholder of <paramref name="source"/> with <see cref="Core"/>.</summary>
    public static string WithCore(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Replace("{{CORE}}", Core.TrimEnd('\n'), StringComparison.Ordinal);
    }

    /// <summary>Replaces the <c>{{HELPERS}}</c> placeholder of <paramref name="source"/> with <see cref="Helpers"/>.</summary>
    public static string WithHelpers(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Replace("{{HELPERS}}", Helpers.TrimEnd('\n'), StringComparison.Ordinal);
    }

    /// <summary>Replaces the <c>{{ZKCORE}}</c> placeholder of <paramref name="source"/> with <see cref="ZkCore"/>.</summary>
    public static string WithZkCore(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Replace("{{ZKCORE}}", ZkCore.TrimEnd('\n'), StringComparison.Ordinal);
    }

    /// <summary>
    /// The transcript labels the templates use, by placeholder name: a template writes
    /// <c>{{label:Sumcheck.Round}}</c> where the Yul needs the string literal <c>"sumcheck_round"</c>, so every
    /// label is the C# prover's own constant (<see cref="Protocol"/> and the toolkit's label classes), never a copy.
    /// </summary>
    public static IReadOnlyDictionary<string, string> TranscriptLabels { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Sumcheck.Claim"] = SumcheckLabels.Claim,
        ["Sumcheck.Round"] = SumcheckLabels.Round,
        ["Sumcheck.Challenge"] = SumcheckLabels.Challenge,
        ["LogUp.Sum"] = LogUpLabels.Sum,
        ["LogUp.Lambda"] = LogUpLabels.Lambda,
        ["LogUp.Tau"] = LogUpLabels.Tau,
        ["LogUp.Evals"] = LogUpLabels.Evals,
        ["LogUpMask.Sum"] = LogUpMaskLabels.Sum,
        ["LogUpMask.Rho"] = LogUpMaskLabels.Rho,
        ["HyperKzg.Commitment"] = HyperKzg.Labels.Commitment,
        ["HyperKzg.Point"] = HyperKzg.Labels.Point,
        ["HyperKzg.Value"] = HyperKzg.Labels.Value,
        ["HyperKzg.Folds"] = HyperKzg.Labels.Folds,
        ["HyperKzg.Last"] = HyperKzg.Labels.Last,
        ["HyperKzg.R"] = HyperKzg.Labels.R,
        ["HyperKzg.V"] = HyperKzg.Labels.V,
        ["HyperKzg.Q"] = HyperKzg.Labels.Q,
        ["HyperKzg.W"] = HyperKzg.Labels.W,
        ["HyperKzg.Zeta"] = HyperKzg.Labels.Zeta,
        ["HyperKzg.W2"] = HyperKzg.Labels.W2,
        ["HyperKzg.BlindingSum"] = HyperKzg.Labels.BlindingSum,
        ["Batch.Evals"] = BatchOpening.Labels.Evals,
        ["Batch.Rho"] = BatchOpening.Labels.Rho,
        ["Batch.Gamma"] = BatchOpening.Labels.Gamma,
        ["ZkOpen.MaskSum"] = ZkBatchOpening.Labels.MaskSum,
        ["ZkOpen.RhoPrime"] = ZkBatchOpening.Labels.RhoPrime,
        ["ZkOpen.Rho"] = ZkBatchOpening.Labels.Rho,
        ["Inference.Domain"] = Protocol.Domain,
        ["Inference.Vk"] = Protocol.Labels.Vk,
        ["Inference.Io"] = Protocol.Labels.Io,
        ["Inference.W1"] = Protocol.Labels.W1,
        ["Inference.Beta"] = Protocol.Labels.Beta,
        ["Inference.Alpha"] = Protocol.Labels.Alpha,
        ["Inference.W2"] = Protocol.Labels.W2,
        ["Inference.Cols"] = Protocol.Labels.Cols,
        ["Inference.OutR"] = Protocol.Labels.OutR,
        ["Inference.Bias"] = Protocol.Labels.Bias,
        ["Inference.Mm"] = Protocol.Labels.Mm,
        ["Inference.MmLambda"] = Protocol.Labels.MmLambda,
        ["Conv.MpY"] = Protocol.ConvLabels.MpY,
        ["Conv.CvLambda"] = Protocol.ConvLabels.CvLambda,
        ["Conv.Cv"] = Protocol.ConvLabels.Cv,
        ["Conv.MpTau"] = Protocol.ConvLabels.MpTau,
        ["Conv.Mp"] = Protocol.ConvLabels.Mp,
    };

    /// <summary>The Yul string literal of the label named <paramref name="key"/> in <see cref="TranscriptLabels"/>.</summary>
    /// <exception cref="KeyNotFoundException">No such label.</exception>
    public static string Label(string key) =>
        TranscriptLabels.TryGetValue(key, out var label) ? Literal(key, label)
            : throw new KeyNotFoundException($"no transcript label named '{key}' (VerifierTemplates.TranscriptLabels)");

    /// <summary>Replaces every <c>{{label:Name}}</c> of <paramref name="text"/> with the label's Yul string literal.</summary>
    /// <exception cref="InvalidOperationException">A placeholder names no known label.</exception>
    internal static string WithLabels(string text, string source) => LabelPlaceholder().Replace(text, m =>
        TranscriptLabels.TryGetValue(m.Groups[1].Value, out var label) ? Literal(m.Groups[1].Value, label)
            : throw new InvalidOperationException($"{source}: placeholder {m.Value} names no transcript label (VerifierTemplates.TranscriptLabels)"));

    /// <summary>The Yul string literal of a transcript label (<c>"label"</c>).</summary>
    /// <exception cref="InvalidOperationException">The label is not printable ASCII of 1–32 bytes without quote or backslash.</exception>
    internal static string Literal(string label) => Literal(label, label);

    // A transcript label is printable ASCII of at most 32 bytes (Transcript.EncodeLabel); a Yul string literal
    // of it needs no escapes unless it contains a quote or backslash, which no label may.
    private static string Literal(string key, string label) =>
        label.Length is > 0 and <= 32 && label.All(c => c is >= ' ' and <= '~' and not '"' and not '\\')
            ? "\"" + label + "\""
            : throw new InvalidOperationException($"transcript label {key} = '{label}' cannot be a Yul string literal");

    [GeneratedRegex(@"\{\{label:([A-Za-z0-9.]+)\}\}")]
    private static partial Regex LabelPlaceholder();

    private static string Read(string name)
    {
        using var s = typeof(VerifierTemplates).Assembly.GetManifestResourceStream("ZkMl.Evm.Verifier.Templates." + name)
            ?? throw new InvalidOperationException($"embedded template {name} is missing from {typeof(VerifierTemplates).Assembly.GetName().Name}");
        using var r = new StreamReader(s);
        return WithLabels(r.ReadToEnd().ReplaceLineEndings("\n"), name);
    }
}
