using System.Text.Json;

namespace ZkMl.Evm.Solc;

/// <summary>One contract compiled by solc.</summary>
/// <param name="SourceName">The source unit (file name) it came from.</param>
/// <param name="Name">The contract name.</param>
/// <param name="AbiJson">The contract's ABI as JSON text.</param>
/// <param name="CreationBytecode">Creation (init) code; append ABI-encoded constructor arguments to deploy.</param>
/// <param name="DeployedBytecode">The runtime code stored on chain.</param>
/// <param name="MethodIdentifiers">Function signature → 4-byte selector hex, as solc reports them.</param>
public sealed record CompiledContract(
    string SourceName,
    string Name,
    string AbiJson,
    byte[] CreationBytecode,
    byte[] DeployedBytecode,
    IReadOnlyDictionary<string, string> MethodIdentifiers)
{
    /// <summary>The EIP-170 limit on deployed code size (24,576 bytes).</summary>
    public const int Eip170CodeSizeLimit = 24_576;

    /// <summary>The size of the deployed (runtime) code in bytes; must stay ≤ <see cref="Eip170CodeSizeLimit"/> on mainnet.</summary>
    public int DeployedSize => DeployedBytecode.Length;

    /// <summary>The ABI parsed as a JSON document.</summary>
    public JsonDocument ParseAbi() => JsonDocument.Parse(AbiJson);
}

/// <summary>A compiler message (error or warning) with its location.</summary>
/// <param name="Severity">"error", "warning" or "info".</param>
/// <param name="Type">solc's error type, e.g. "ParserError", "TypeError", "Warning".</param>
/// <param name="Message">The short message.</param>
/// <param name="File">The source unit, or null when solc gives no location.</param>
/// <param name="Line">1-based line, or null.</param>
/// <param name="Column">1-based column, or null.</param>
/// <param name="FormattedMessage">solc's full formatted message with the source excerpt.</param>
public sealed record SolcDiagnostic(string Severity, string Type, string Message, string? File, int? Line, int? Column, string FormattedMessage)
{
    /// <summary>"file:line:column: Type: message" (location left out when unknown).</summary>
    public override string ToString() =>
        (File is null ? "" : Line is null ? $"{File}: " : $"{File}:{Line}:{Column}: ") + $"{Type}: {Message}";
}

/// <summary>The result of a successful compilation: every contract and any warnings.</summary>
/// <param name="Contracts">All compiled contracts (including imported ones, interfaces and libraries).</param>
/// <param name="Diagnostics">Warnings and infos (errors make the compilation throw instead).</param>
/// <param name="CompilerVersion">The solc version string, e.g. "0.8.37+commit.f401782d.Emscripten.clang".</param>
public sealed record SolcOutput(IReadOnlyList<CompiledContract> Contracts, IReadOnlyList<SolcDiagnostic> Diagnostics, string CompilerVersion)
{
    /// <summary>The contract named <paramref name="name"/> (optionally "File.sol:Name").</summary>
    /// <exception cref="KeyNotFoundException">when there is no such contract, or the plain name is ambiguous; the message lists those available.</exception>
    public CompiledContract Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var matches = Contracts.Where(c => c.Name == name || $"{c.SourceName}:{c.Name}" == name).ToList();
        return matches.Count switch
        {
            1 => matches[0],
            0 => throw new KeyNotFoundException($"no contract \"{name}\" in the compiler output; available: {string.Join(", ", Contracts.Select(c => $"{c.SourceName}:{c.Name}"))}"),
            _ => throw new KeyNotFoundException($"contract name \"{name}\" is ambiguous; use one of {string.Join(", ", matches.Select(c => $"{c.SourceName}:{c.Name}"))}"),
        };
    }
}

/// <summary>Solidity compilation failed; <see cref="Errors"/> holds solc's errors with file:line locations.</summary>
public sealed class SolcCompilationException : Exception
{
    /// <summary>Creates the exception from solc's error diagnostics.</summary>
    public SolcCompilationException(IReadOnlyList<SolcDiagnostic> errors)
        : base("Solidity compilation failed:\n" + string.Join("\n", errors.Select(e => "  " + e)))
    {
        Errors = errors;
    }

    /// <summary>The errors solc reported.</summary>
    public IReadOnlyList<SolcDiagnostic> Errors { get; }
}
