using System.Reflection;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// The fixed Solidity/Yul texts the verifier generator assembles (embedded resources of this
/// assembly, from <c>src/ZkMl.Evm/Verifier/Templates</c>).
/// </summary>
public static class VerifierTemplates
{
    private static readonly Lazy<string> CoreText = new(() => Read("VerifierCore.yul"));
    private static readonly Lazy<string> ContractText = new(() => Read("Verifier.sol.template"));

    /// <summary>
    /// The verifier core: Yul functions (transcript, field checks, degree-2 sumcheck in plain and
    /// zero-check mode, LogUp, batched opening, HyperKZG with precompiles 0x06–0x08) meant to be
    /// pasted into an inline-assembly block of a contract that declares the constants
    /// <c>R_MOD</c>, <c>P_MOD</c> and <c>INV_TWO</c>.
    /// </summary>
    public static string Core => CoreText.Value;

    /// <summary>The contract skeleton with the placeholders the generator fills in.</summary>
    public static string Contract => ContractText.Value;

    /// <summary>Replaces the <c>{{CORE}}</c> placeholder of <paramref name="source"/> with <see cref="Core"/>.</summary>
    public static string WithCore(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.Replace("{{CORE}}", Core.TrimEnd('\n'), StringComparison.Ordinal);
    }

    private static string Read(string name)
    {
        using var s = typeof(VerifierTemplates).Assembly.GetManifestResourceStream("ZkMl.Evm.Verifier.Templates." + name)
            ?? throw new InvalidOperationException($"embedded template {name} is missing from {typeof(VerifierTemplates).Assembly.GetName().Name}");
        using var r = new StreamReader(s);
        return r.ReadToEnd().ReplaceLineEndings("\n");
    }
}
