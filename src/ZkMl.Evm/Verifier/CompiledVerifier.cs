using ZkMl.Evm.Solc;
using ZkMl.Inference;

namespace ZkMl.Evm.Verifier;

/// <summary>
/// A verifier source and its compiled contracts: the contract to deploy (<see cref="Main"/>) and, for a verifier in two
/// contracts (docs/protocol.md "On-chain verifier"), the first part its constructor creates. EIP-170 applies to each
/// runtime code separately.
/// </summary>
/// <param name="Source">The Solidity source (one file, both contracts of a split verifier).</param>
/// <param name="Main">The contract to deploy.</param>
/// <param name="FirstPart">NAMEFirstPart of a split verifier, else null.</param>
public sealed record CompiledVerifier(string Source, CompiledContract Main, CompiledContract? FirstPart)
{
    /// <summary>The larger runtime code of the two contracts (the one EIP-170 decides on).</summary>
    public int LargestDeployedSize => Math.Max(Main.DeployedSize, FirstPart?.DeployedSize ?? 0);

    /// <summary>True when a runtime code exceeds EIP-170's 24,576 bytes.</summary>
    public bool OverEip170 => LargestDeployedSize > CompiledContract.Eip170CodeSizeLimit;

    /// <summary>EIP-3860's limit on creation code (49,152 bytes): NAME's creation code holds NAMEFirstPart's, so both count.</summary>
    public const int Eip3860InitCodeSizeLimit = 49_152;

    /// <summary>True when the creation code of <see cref="Main"/> exceeds EIP-3860's 49,152 bytes.</summary>
    public bool OverInitCodeLimit => Main.CreationBytecode.Length > Eip3860InitCodeSizeLimit;

    /// <summary>True when the verifier deploys on a chain that enforces EIP-170 and EIP-3860 (mainnet, anvil's default).</summary>
    public bool Fits => !OverEip170 && !OverInitCodeLimit;

    /// <summary>"N bytes", or "N bytes (Name) + M bytes (NameFirstPart)" for a split verifier.</summary>
    public string SizeText => FirstPart is null ? $"{Main.DeployedSize:N0} bytes"
        : $"{Main.DeployedSize:N0} bytes ({Main.Name}) + {FirstPart.DeployedSize:N0} bytes ({FirstPart.Name})";

    /// <summary>Compiles a verifier source with the settings of its kind (<see cref="SolidityVerifierGenerator.SettingsForSource"/>).</summary>
    /// <exception cref="SolcCompilationException">solc reported errors.</exception>
    /// <exception cref="KeyNotFoundException">The source declares no contract <paramref name="contractName"/>.</exception>
    public static async Task<CompiledVerifier> CompileAsync(SolcCompiler solc, string source, string contractName, string fileName = "Verifier.sol",
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(solc);
        ArgumentNullException.ThrowIfNull(source);
        var output = await solc.CompileAsync(new Dictionary<string, string> { [Path.GetFileName(fileName)] = source },
            SolidityVerifierGenerator.SettingsForSource(source), cancellationToken).ConfigureAwait(false);
        var main = output.Get(contractName);
        var first = output.Contracts.FirstOrDefault(c => c.Name == contractName + SolidityVerifierGenerator.FirstPartSuffix);
        return new CompiledVerifier(source, main, first);
    }

    /// <summary>
    /// The verifier of <paramref name="vk"/> in the form that fits EIP-170, compiled. A conv key's verifier is always two contracts
    /// and a zero-knowledge key's one. A dense default-mode key's is one contract when it <see cref="Fits"/> (runtime code within
    /// 24,576 bytes), else two (<see cref="SolidityVerifierGenerator.Generate(VerifyingKey, string, bool)"/> with splitDense), each compiled
    /// by solc to decide. When even the two parts do not fit (a very deep network: a part over 24,576 bytes, or both parts' creation
    /// code over EIP-3860's 49,152), the single contract is returned (not <see cref="Fits"/>: one call less, and it needs a chain
    /// without the limits either way).
    /// </summary>
    /// <exception cref="SolcCompilationException">solc reported errors.</exception>
    /// <exception cref="NotSupportedException">The generator refuses the key (see <see cref="SolidityVerifierGenerator.Generate(VerifyingKey, string)"/>).</exception>
    public static async Task<CompiledVerifier> GenerateFittingAsync(SolcCompiler solc, VerifyingKey vk, string contractName = SolidityVerifierGenerator.DefaultContractName,
        string fileName = "Verifier.sol", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(vk);
        var single = await CompileAsync(solc, SolidityVerifierGenerator.Generate(vk, contractName), contractName, fileName, cancellationToken).ConfigureAwait(false);
        if (single.Fits || !CanSplit(vk)) return single;
        var split = await CompileAsync(solc, SolidityVerifierGenerator.Generate(vk, contractName, splitDense: true), contractName, fileName, cancellationToken).ConfigureAwait(false);
        return split.Fits ? split : single;
    }

    /// <summary>
    /// True for a single-contract verifier source that <see cref="GenerateFittingAsync"/> would write as two contracts when over the
    /// limit: a generated default-mode dense verifier (no first part, not a ZK verifier).
    /// </summary>
    public static bool CanSplitSource(string source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return SolidityVerifierGenerator.DeclaresInsecureOrigin(source) is not null && !source.Contains(SolidityVerifierGenerator.FirstPartSuffix + " {", StringComparison.Ordinal)
            && SolidityVerifierGenerator.SettingsForSource(source).OptimizerRuns == SolidityVerifierGenerator.RecommendedSettings.OptimizerRuns;
    }

    /// <summary>True for a key whose verifier may be generated as one or two contracts: a dense default-mode key.</summary>
    public static bool CanSplit(VerifyingKey vk)
    {
        ArgumentNullException.ThrowIfNull(vk);
        return !vk.IsZk && !vk.HasSpatialLayers;
    }
}
