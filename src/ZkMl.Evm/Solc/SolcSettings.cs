namespace ZkMl.Evm.Solc;

/// <summary>Compiler settings that <see cref="SolcCompiler"/> writes into solc's standard-JSON input.</summary>
public sealed record SolcSettings
{
    /// <summary>Runs the optimizer; default true.</summary>
    public bool Optimize { get; init; } = true;

    /// <summary>The optimizer's expected number of runs per contract (low: small code, high: cheap calls); default 200.</summary>
    public int OptimizerRuns { get; init; } = 200;

    /// <summary>Compiles through the Yul IR pipeline (<c>viaIR</c>); default false.</summary>
    public bool ViaIR { get; init; }

    /// <summary>The target EVM version, always explicit; default "cancun" (supported by anvil 1.7's default hardfork).</summary>
    public string EvmVersion { get; init; } = "cancun";

    /// <summary>Appends the CBOR metadata (with the IPFS hash of the metadata) to the bytecode; default true. False makes bytecode independent of comments and file names.</summary>
    public bool AppendMetadataHash { get; init; } = true;
}
