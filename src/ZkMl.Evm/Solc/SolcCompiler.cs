using System.Diagnostics;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace ZkMl.Evm.Solc;

/// <summary>
/// Compiles Solidity with the project's pinned solcjs (npm <c>solc</c> in node_modules) by running
/// <c>node scripts/solc-compile.mjs</c>: standard-JSON in on stdin, standard-JSON out on stdout.
/// (forge cannot download native solc here; solcjs is the compiler.) Each compilation starts a
/// node process, about 1–2 s of overhead on top of compiling.
/// </summary>
public sealed partial class SolcCompiler
{
    /// <summary>The compiler script, relative to the repository root.</summary>
    public const string ScriptRelativePath = "scripts/solc-compile.mjs";

    private readonly string _root;
    private readonly string _node;
    private Task<string>? _version;

    /// <summary>Creates a compiler bound to a repository checkout.</summary>
    /// <param name="repositoryRoot">The repository root (holding scripts/ and node_modules/); null searches upwards for ZkMl.sln.</param>
    /// <param name="nodeExecutable">The node.js executable; default "node" from PATH.</param>
    /// <param name="timeout">Limit per compilation; default 10 minutes (solcjs with viaIR on a large contract is slow).</param>
    /// <exception cref="FileNotFoundException">when the script or node_modules/solc is missing (the message says to run scripts/setup.sh).</exception>
    /// <exception cref="DirectoryNotFoundException">when the repository root cannot be found.</exception>
    public SolcCompiler(string? repositoryRoot = null, string nodeExecutable = "node", TimeSpan? timeout = null)
    {
        _root = ProjectTools.FindRepositoryRoot(repositoryRoot);
        ProjectTools.SolcPackage(_root);
        ScriptPath = Path.Combine(_root, ScriptRelativePath);
        if (!File.Exists(ScriptPath))
            throw new FileNotFoundException($"the solc wrapper script {ScriptPath} is missing (is {_root} a ZkMl checkout?)", ScriptPath);
        _node = nodeExecutable;
        Timeout = timeout ?? TimeSpan.FromMinutes(10);
    }

    /// <summary>The wrapper script that is run.</summary>
    public string ScriptPath { get; }

    /// <summary>Limit per compilation.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The solcjs version, e.g. "0.8.37+commit.f401782d.Emscripten.clang".</summary>
    /// <exception cref="InvalidOperationException">when node cannot run the script.</exception>
    public Task<string> VersionAsync(CancellationToken cancellationToken = default)
    {
        var cached = _version;
        if (cached is { IsCompletedSuccessfully: true }) return cached;
        var task = ReadVersionAsync(cancellationToken);
        _version = task;
        return task;
    }

    private async Task<string> ReadVersionAsync(CancellationToken cancellationToken) =>
        (await RunAsync(["--version"], "", cancellationToken).ConfigureAwait(false)).Trim();

    /// <summary>
    /// Compiles one Solidity source and returns the contract named <paramref name="contractName"/>.
    /// </summary>
    /// <param name="source">The Solidity source text.</param>
    /// <param name="contractName">The contract to return.</param>
    /// <param name="settings">Optimizer, viaIR, EVM version; null for <see cref="SolcSettings"/> defaults.</param>
    /// <param name="fileName">The source unit name used in messages.</param>
    /// <param name="cancellationToken">Cancels (and kills) the compilation.</param>
    /// <exception cref="SolcCompilationException">when solc reports errors (each with file:line:column).</exception>
    /// <exception cref="KeyNotFoundException">when the source has no contract of that name.</exception>
    /// <exception cref="TimeoutException">when compilation exceeds <see cref="Timeout"/>.</exception>
    public async Task<CompiledContract> CompileContractAsync(string source, string contractName, SolcSettings? settings = null,
        string fileName = "Contract.sol", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var output = await CompileAsync(new Dictionary<string, string> { [fileName] = source }, settings, cancellationToken).ConfigureAwait(false);
        return output.Get(contractName);
    }

    /// <summary>Compiles a set of source units (name → Solidity text); imports resolve among them or below the repository root.</summary>
    /// <exception cref="SolcCompilationException">when solc reports errors (each with file:line:column).</exception>
    /// <exception cref="TimeoutException">when compilation exceeds <see cref="Timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">when node fails or a contract needs library linking.</exception>
    public async Task<SolcOutput> CompileAsync(IReadOnlyDictionary<string, string> sources, SolcSettings? settings = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sources);
        if (sources.Count == 0) throw new ArgumentException("no sources to compile", nameof(sources));
        var input = BuildInput(sources, settings ?? new SolcSettings());
        var outputText = await CompileStandardJsonAsync(input.ToJsonString(), cancellationToken).ConfigureAwait(false);
        var version = await VersionAsync(cancellationToken).ConfigureAwait(false);
        return ParseOutput(outputText, version);
    }

    /// <summary>Runs solc on a raw standard-JSON input and returns its raw standard-JSON output (errors included, not thrown).</summary>
    /// <exception cref="TimeoutException">when compilation exceeds <see cref="Timeout"/>.</exception>
    /// <exception cref="InvalidOperationException">when node exits with an error.</exception>
    public Task<string> CompileStandardJsonAsync(string standardJsonInput, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(standardJsonInput);
        return RunAsync(["--base-path", _root], standardJsonInput, cancellationToken);
    }

    internal static JsonObject BuildInput(IReadOnlyDictionary<string, string> sources, SolcSettings settings)
    {
        if (settings.OptimizerRuns < 1) throw new ArgumentOutOfRangeException(nameof(settings), settings.OptimizerRuns, "OptimizerRuns must be at least 1");
        ArgumentException.ThrowIfNullOrWhiteSpace(settings.EvmVersion, nameof(settings));
        var src = new JsonObject();
        foreach (var (name, content) in sources) src[name] = new JsonObject { ["content"] = content };
        var s = new JsonObject
        {
            ["optimizer"] = new JsonObject { ["enabled"] = settings.Optimize, ["runs"] = settings.OptimizerRuns },
            ["evmVersion"] = settings.EvmVersion,
            ["viaIR"] = settings.ViaIR,
            ["outputSelection"] = new JsonObject
            {
                ["*"] = new JsonObject
                {
                    ["*"] = new JsonArray("abi", "evm.bytecode.object", "evm.deployedBytecode.object", "evm.methodIdentifiers"),
                },
            },
        };
        if (!settings.AppendMetadataHash) s["metadata"] = new JsonObject { ["bytecodeHash"] = "none", ["appendCBOR"] = false };
        return new JsonObject { ["language"] = "Solidity", ["sources"] = src, ["settings"] = s };
    }

    internal static SolcOutput ParseOutput(string outputText, string version)
    {
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(outputText);
        }
        catch (JsonException e)
        {
            throw new InvalidOperationException($"solc output is not JSON ({e.Message}): {Shorten(outputText)}");
        }
        using (doc)
        {
            var root = doc.RootElement;
            var diagnostics = new List<SolcDiagnostic>();
            if (root.TryGetProperty("errors", out var errs))
                foreach (var e in errs.EnumerateArray()) diagnostics.Add(ParseDiagnostic(e));
            var errors = diagnostics.Where(d => d.Severity == "error").ToList();
            if (errors.Count > 0) throw new SolcCompilationException(errors);

            var contracts = new List<CompiledContract>();
            if (root.TryGetProperty("contracts", out var files))
            {
                foreach (var file in files.EnumerateObject())
                {
                    foreach (var c in file.Value.EnumerateObject())
                    {
                        var evm = c.Value.GetProperty("evm");
                        var ids = new Dictionary<string, string>();
                        if (evm.TryGetProperty("methodIdentifiers", out var mi))
                            foreach (var m in mi.EnumerateObject()) ids[m.Name] = m.Value.GetString() ?? "";
                        contracts.Add(new CompiledContract(
                            file.Name,
                            c.Name,
                            c.Value.TryGetProperty("abi", out var abi) ? abi.GetRawText() : "[]",
                            Bytecode(evm, "bytecode", file.Name, c.Name),
                            Bytecode(evm, "deployedBytecode", file.Name, c.Name),
                            ids));
                    }
                }
            }
            return new SolcOutput(contracts, diagnostics, version);
        }
    }

    private static byte[] Bytecode(JsonElement evm, string member, string file, string contract)
    {
        if (!evm.TryGetProperty(member, out var b) || !b.TryGetProperty("object", out var o)) return [];
        var hex = o.GetString() ?? "";
        if (hex.Contains("__$", StringComparison.Ordinal))
            throw new InvalidOperationException(
                $"{file}:{contract} calls external library functions and needs linking (placeholder __$…$__ in its {member}); "
                + "make the library functions internal so they are inlined");
        return EvmHex.Decode(hex);
    }

    private static SolcDiagnostic ParseDiagnostic(JsonElement e)
    {
        string Str(string name) => e.TryGetProperty(name, out var v) ? v.GetString() ?? "" : "";
        string formatted = Str("formattedMessage");
        string? file = null;
        int? line = null, column = null;
        var m = LocationRegex().Match(formatted);
        if (m.Success)
        {
            file = m.Groups[1].Value;
            line = int.Parse(m.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture);
            column = int.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture);
        }
        else if (e.TryGetProperty("sourceLocation", out var loc) && loc.TryGetProperty("file", out var f))
        {
            file = f.GetString();
        }
        return new SolcDiagnostic(Str("severity"), Str("type"), Str("message"), file, line, column, formatted);
    }

    [GeneratedRegex(@"-->\s*(.+?):(\d+):(\d+):")]
    private static partial Regex LocationRegex();

    private async Task<string> RunAsync(IReadOnlyList<string> args, string stdin, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(_node)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
            WorkingDirectory = _root,
            CreateNoWindow = true,
        };
        psi.ArgumentList.Add(ScriptPath);
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = new Process { StartInfo = psi };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"cannot run \"{_node}\" (node.js 20 or later is required for the Solidity compiler): {e.Message}", e);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
            var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
            await process.StandardInput.WriteAsync(stdin.AsMemory(), timeout.Token).ConfigureAwait(false);
            process.StandardInput.Close();
            await process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
            string output = await stdout.ConfigureAwait(false);
            string error = await stderr.ConfigureAwait(false);
            if (process.ExitCode != 0)
                throw new InvalidOperationException($"solc ({ScriptRelativePath}) exited with code {process.ExitCode}: {Shorten(error.Length > 0 ? error : output)}");
            return output;
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            if (cancellationToken.IsCancellationRequested) throw;
            throw new TimeoutException($"solc did not finish within {Timeout.TotalSeconds:0} s");
        }
    }

    private static string Shorten(string s) => s.Length <= 2000 ? s : s[..1997] + "...";
}
