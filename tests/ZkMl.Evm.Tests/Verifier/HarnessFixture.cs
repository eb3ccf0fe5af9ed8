using System.Numerics;
using ZkMl.Algebra;
using ZkMl.Algebra.Evm;
using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Proofs;
using ZkMl.Proofs.Commitments;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

[CollectionDefinition(Name)]
public class HarnessCollection : ICollectionFixture<HarnessFixture>
{
    public const string Name = "core-harness";
}

/// <summary>One anvil node with the test-only core harness (Harness/CoreHarness.sol + the verifier core) deployed.</summary>
public class HarnessFixture : IAsyncLifetime
{
    private readonly AnvilFixture _anvil = new();
    private readonly string _file;
    private readonly string _contract;

    public HarnessFixture() : this("CoreHarness.sol", "CoreHarness") { }

    /// <summary>A harness from tests/ZkMl.Evm.Tests/Harness/<paramref name="file"/>, with <c>{{CORE}}</c> and <c>{{ZKCORE}}</c> substituted.</summary>
    protected HarnessFixture(string file, string contract) => (_file, _contract) = (file, contract);

    public EvmChain Chain { get; private set; } = null!;

    public string Address { get; private set; } = "";

    public int DeployedSize { get; private set; }

    /// <summary>A development SRS big enough for the harness tests (2^12 entries).</summary>
    public static Srs Srs { get; } = Srs.CreateInsecureDev(1 << 12, 4242);

    public static KzgVerifierKey Vk => KzgVerifierKey.From(Srs);

    public async Task InitializeAsync()
    {
        await _anvil.InitializeAsync();
        Chain = new EvmChain(_anvil.Web3);
        var path = Path.Combine(RepoPaths.Root, "tests", "ZkMl.Evm.Tests", "Harness", _file);
        var source = VerifierTemplates.WithZkCore(VerifierTemplates.WithCore(await File.ReadAllTextAsync(path)));
        var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, _contract, fileName: _file);
        var d = await Chain.DeployAsync(contract);
        Address = d.Address;
        DeployedSize = d.DeployedSize;
    }

    public async Task DisposeAsync() => await _anvil.DisposeAsync();

    /// <summary>Gas of an eth_call of harness function <paramref name="fn"/>(bytes) (the call tracer's top frame: execution, calldata and the 21,000 base).</summary>
    public async Task<ulong> GasAsync(string fn, byte[] arg)
    {
        var trace = await Chain.TraceCallAsync(Address, TestAbi.Call(fn, ("bytes", arg)), gas: 30_000_000);
        return (ulong)(trace.GasUsed?.Value ?? throw new InvalidOperationException($"harness {fn}: the call trace has no gasUsed"));
    }

    /// <summary>Calls harness function <paramref name="fn"/>(bytes) and returns its raw words, or null when the core rejected (one zero word).</summary>
    public async Task<BigInteger[]?> CallAsync(string fn, byte[] arg)
    {
        var data0 = TestAbi.Call(fn, ("bytes", arg));
        var r = await Chain.CallAsync(Address, data0, gas: 30_000_000);
        if (!r.Success)
        {
            var trace = await Chain.TraceCallAsync(Address, data0, gas: 30_000_000);
            var frames = string.Join("; ", EvmChain.Flatten(trace).Select(f => $"{f.Type} {f.To} used {f.GasUsed?.Value} err {f.Error} in {(f.Input ?? "0x").Length / 2 - 1}B: {(f.Input ?? "")[..Math.Min((f.Input ?? "").Length, 258)]}"));
            Assert.Fail($"harness {fn} reverted: {r.Error}; {frames}");
        }
        var data = r.ReturnData;
        Assert.True(data.Length % 32 == 0 && data.Length > 0, $"harness {fn} returned {data.Length} bytes");
        var words = new BigInteger[data.Length / 32];
        for (int i = 0; i < words.Length; i++) words[i] = new BigInteger(data.AsSpan(32 * i, 32), isUnsigned: true, isBigEndian: true);
        if (words[0].IsZero) { Assert.Single(words); return null; }
        Assert.Equal(BigInteger.One, words[0]);
        return words;
    }
}

/// <summary>Builds the packed word arguments of the harness.</summary>
public sealed class Packer
{
    private readonly List<byte> _b = [];

    public Packer Word(BigInteger v)
    {
        var w = new byte[32];
        v.TryWriteBytes(w, out int n, isUnsigned: true, isBigEndian: true);
        Array.Copy(w, 0, w, 32 - n, n);
        Array.Clear(w, 0, 32 - n);
        _b.AddRange(w);
        return this;
    }

    public Packer Word(long v) => Word(new BigInteger(v));

    public Packer Fr(in Fr v) => Raw(v.ToBytesBigEndian());

    public Packer Frs(IEnumerable<Fr> vs)
    {
        foreach (var v in vs) Fr(v);
        return this;
    }

    public Packer G1(in G1Affine p) => Raw(EvmEncoding.EncodeG1(p));

    public Packer G2Key(in KzgVerifierKey vk) => Raw(EvmEncoding.EncodeG2(vk.G2)).Raw(EvmEncoding.EncodeG2(vk.TauG2));

    public Packer Raw(ReadOnlySpan<byte> data)
    {
        foreach (var x in data) _b.Add(x);
        return this;
    }

    public byte[] ToArray() => [.. _b];
}
