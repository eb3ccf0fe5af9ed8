using System.Text.RegularExpressions;
using Xunit.Abstractions;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

[Collection(VerifierContractCollection.Name)]
public class DebugTests(VerifierContractFixture fx, ITestOutputHelper output)
{
    [Theory]
    [InlineData("tiny", 1)]
    [InlineData("mnist-mlp", 1)]
    public async Task Profile(string name, int batch)
    {
        var e = name == "tiny" ? ExampleCircuits.Tiny : ExampleCircuits.Mnist;
        var src = SolidityVerifierGenerator.Generate(e.Vk, e.ContractName);
        var lines = src.Split('\n').ToList();
        int start = lines.FindIndex(l => l.Contains("function verify(pf, pfLen"));
        int end = lines.FindIndex(start, l => l.Trim() == "return(0x00, 0x20)");
        var outl = new List<string>();
        int k = 1;
        var labels = new List<string>();
        for (int i = 0; i < lines.Count; i++)
        {
            outl.Add(lines[i]);
            if (i == start) { outl.Add("let prof := alloc(0x400) mstore(prof, gas())"); labels.Add("start"); }
            else if (i > start + 1 && i < end - 1 && (lines[i].Contains(":= ") || lines[i].Contains("(")) && !lines[i].Contains("for {"))
            { outl.Add($"mstore(add(prof, {32 * k}), gas())"); labels.Add(lines[i].Trim()); k++; }
        }
        // inner probes in the core's batchOpen / hyperKzg, via a pointer in word 0x60
        string[] inner = ["function batchOpen(", "function hyperKzg(", "function hkPairing("];
        for (int i = 0; i < outl.Count; i++)
        {
            if (!inner.Any(f => outl[i].Contains(f))) continue;
            int depth = 0, j = i;
            for (; j < outl.Count; j++)
            {
                depth += outl[j].Count(ch => ch == '{') - outl[j].Count(ch => ch == '}');
                if (j > i && depth == 1 && !outl[j].Trim().StartsWith("//") && !outl[j].Contains("for {") && !outl[j].Trim().StartsWith("if") && outl[j].Trim().Length > 0 && !outl[j].Contains("leave") && (outl[j].Contains(":=") || outl[j].Contains("(")))
                {
                    outl.Insert(j + 1, $"mstore(add(mload(0x60), {32 * k}), gas())"); labels.Add("  . " + outl[j].Trim()); k++; j++;
                }
                if (depth == 0 && j > i) break;
            }
        }
        outl[outl.FindIndex(l => l.Contains("let prof := alloc(0x400)"))] = "let prof := alloc(0x800) mstore(prof, gas()) mstore(0x60, prof)";
        int r0 = outl.FindIndex(start, l => l.Trim() == "return(0x00, 0x20)");
        outl[r0] = $"mstore(prof, mload(0x40)) return(prof, {32 * k})";
        src = string.Join('\n', outl);
        var c = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(src, e.ContractName, new SolcSettings { OptimizerRuns = 1_000_000 }, fileName: "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, c);
        var r = await fx.Chain.CallAsync(v.Address, VerifierCalldata.Encode(fx.Proof(e, batch)), gas: 10_000_000);
        Assert.True(r.Success);
        var words = Enumerable.Range(0, r.ReturnData.Length / 32).Select(i => (long)new System.Numerics.BigInteger(r.ReturnData.AsSpan(32 * i, 32), true, true)).ToArray();
        output.WriteLine($"msize {words[0]}"); long prev = 0;
        for (int i = 1; i < words.Length; i++) { if (words[i] != 0) { output.WriteLine($"{prev - words[i],8}  {labels[i]}"); prev = words[i]; } }
    }

    [Theory]
    [InlineData("tiny", 1)]
    public async Task WhichCheckFails(string name, int batch)
    {
        var e = name == "tiny" ? ExampleCircuits.Tiny : ExampleCircuits.Mnist;
        var src = SolidityVerifierGenerator.Generate(e.Vk, e.ContractName);
        var lines = src.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].Contains("fail()") && !lines[i].Contains("function fail()"))
                lines[i] = lines[i].Replace("fail()", $"failAt({i + 1})");
        src = string.Join('\n', lines).Replace("function fail() {", "function failAt(code) { mstore(0x00, code) revert(0x00, 0x20) }\n            function fail() {");
        var c = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(src, e.ContractName, new SolcSettings { OptimizerRuns = 1_000_000 }, fileName: "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, c);
        var r = await fx.Chain.CallAsync(v.Address, VerifierCalldata.Encode(fx.Proof(e, batch)));
        int line = r.ReturnData.Length == 32 ? r.ReturnData[30] * 256 + r.ReturnData[31] : -1;
        output.WriteLine(src.Split('\n').First(l => l.Contains("BATCH_LAYOUTS = ")) + " proof " + fx.Proof(e, batch).ProofSize);
        output.WriteLine($"success={r.Success} line={line}: {(line > 0 ? lines[line - 1].Trim() : "")}");
        if (line > 0) for (int k = Math.Max(0, line - 12); k < line; k++) output.WriteLine(lines[k]);
    }
}

[Collection(HarnessCollection.Name)]
public class HarnessGasProbe(HarnessFixture h, ITestOutputHelper output)
{
    [Fact]
    public async Task SumcheckRoundGas()
    {
        foreach (int n in new[] { 0, 10, 20 })
        {
            var rng = new Random(1);
            var proof = new Packer();
            for (int i = 0; i < 2 * n; i++) proof.Fr(ZkMl.Algebra.Fr.Random(rng));
            var arg = new Packer().Word(1).Word(5).Word(n).Word(0).Raw(new byte[32 * n]).Raw(proof.ToArray()).ToArray();
            var data = ZkMl.Evm.Abi.AbiEncoder.EncodeCall("sumcheck", ZkMl.Evm.Abi.AbiValue.Bytes(arg));
            var g = await h.Chain.Rpc.EstimateGasAsync(new ZkMl.Evm.Rpc.TransactionRequest { To = h.Address, Data = data, From = await h.Chain.SenderAsync() });
            output.WriteLine($"n={n}: {g} gas, calldata {ZkMl.Evm.Chain.EvmGas.IntrinsicGas(data)}, exec {g - ZkMl.Evm.Chain.EvmGas.IntrinsicGas(data)}");
        }
    }
}

[Collection(HarnessCollection.Name)]
public class HarnessOpcodeProbe(HarnessFixture h, ITestOutputHelper output)
{
    [Fact]
    public async Task OpcodeHistogram()
    {
        int n = 4;
        var rng = new Random(1);
        var proof = new Packer();
        for (int i = 0; i < 2 * n; i++) proof.Fr(ZkMl.Algebra.Fr.Random(rng));
        var arg = new Packer().Word(1).Word(5).Word(n).Word(0).Raw(new byte[32 * n]).Raw(proof.ToArray()).ToArray();
        var data = ZkMl.Evm.Abi.AbiEncoder.EncodeCall("sumcheck", ZkMl.Evm.Abi.AbiValue.Bytes(arg));
        var call = new System.Text.Json.Nodes.JsonObject { ["to"] = h.Address, ["data"] = ZkMl.Evm.EvmHex.Encode(data), ["gas"] = "0x1000000" };
        var res = await h.Chain.Rpc.CallRawAsync("debug_traceCall", [call, "latest", new System.Text.Json.Nodes.JsonObject { ["disableStorage"] = true, ["disableStack"] = true }]);
        var logs = res.GetProperty("structLogs");
        var hist = new Dictionary<string, (long Count, long Gas)>();
        long total = 0;
        foreach (var l in logs.EnumerateArray())
        {
            var op = l.GetProperty("op").GetString()!;
            long gc = l.GetProperty("gasCost").GetInt64();
            var c = hist.GetValueOrDefault(op);
            hist[op] = (c.Count + 1, c.Gas + gc);
            total += gc;
        }
        output.WriteLine($"steps {logs.GetArrayLength()} total {total}");
        foreach (var kv in hist.OrderByDescending(k => k.Value.Gas).Take(25)) output.WriteLine($"{kv.Key,-14} {kv.Value.Count,6} {kv.Value.Gas,8}");
    }
}

[Collection(VerifierContractCollection.Name)]
public class VerifierOpcodeProbe(VerifierContractFixture fx, ITestOutputHelper output)
{
    [Fact]
    public async Task OpcodeHistogram()
    {
        var e = ExampleCircuits.Mnist;
        var d = await fx.GetAsync(e);
        var data = VerifierCalldata.Encode(fx.Proof(e, 1));
        var call = new System.Text.Json.Nodes.JsonObject { ["to"] = d.Verifier.Address, ["data"] = ZkMl.Evm.EvmHex.Encode(data), ["gas"] = "0x1000000" };
        var res = await fx.Chain.Rpc.CallRawAsync("debug_traceCall", [call, "latest", new System.Text.Json.Nodes.JsonObject { ["disableStorage"] = true, ["disableStack"] = true, ["enableMemory"] = false }]);
        var logs = res.GetProperty("structLogs");
        var hist = new Dictionary<string, (long Count, long Gas)>();
        long total = 0;
        foreach (var l in logs.EnumerateArray())
        {
            var op = l.GetProperty("op").GetString()!;
            long gc = l.GetProperty("gasCost").GetInt64();
            if (op.Contains("CALL")) continue;
            var c = hist.GetValueOrDefault(op);
            hist[op] = (c.Count + 1, c.Gas + gc);
            total += gc;
        }
        output.WriteLine($"steps {logs.GetArrayLength()} total (no calls) {total}");
        foreach (var kv in hist.OrderByDescending(k => k.Value.Gas).Take(30)) output.WriteLine($"{kv.Key,-14} {kv.Value.Count,8} {kv.Value.Gas,9}");
    }
}
