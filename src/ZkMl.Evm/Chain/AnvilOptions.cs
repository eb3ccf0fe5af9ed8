namespace ZkMl.Evm.Chain;

/// <summary>How <see cref="AnvilNode.StartAsync"/> starts a local anvil node.</summary>
public sealed record AnvilOptions
{
    /// <summary>The repository root holding <c>node_modules</c>; null searches upwards for ZkMl.sln.</summary>
    public string? RepositoryRoot { get; init; }

    /// <summary>An explicit anvil binary; overrides <see cref="RepositoryRoot"/>.</summary>
    public string? BinaryPath { get; init; }

    /// <summary>How long to wait for the node to answer JSON-RPC; default 30 seconds.</summary>
    public TimeSpan StartupTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The EVM hardfork (anvil <c>--hardfork</c>, e.g. "cancun", "prague"); null for anvil's default (latest).</summary>
    public string? Hardfork { get; init; }

    /// <summary>The block gas limit (anvil <c>--gas-limit</c>); null for anvil's default (30,000,000).</summary>
    public ulong? BlockGasLimit { get; init; }

    /// <summary>The chain id (anvil <c>--chain-id</c>); null for 31337.</summary>
    public ulong? ChainId { get; init; }

    /// <summary>Lifts the EIP-170 24,576-byte limit on deployed code (anvil <c>--disable-code-size-limit</c>).</summary>
    public bool DisableCodeSizeLimit { get; init; }

    /// <summary>Further command-line arguments passed to anvil as they are.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
