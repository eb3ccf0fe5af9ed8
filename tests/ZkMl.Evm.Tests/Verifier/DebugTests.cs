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
    public async Task WhichCheckFails(string name, int batch)
    {
        var e = name == "tiny" ? ExampleCircuits.Tiny : ExampleCircuits.Mnist;
        var src = SolidityVerifierGenerator.Generate(e.Vk, e.ContractName);
        var lines = src.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            if (lines[i].Contains("fail()") && !lines[i].Contains("function fail()"))
                lines[i] = lines[i].Replace("fail()", $"failAt({i + 1})");
        src = string.Join('\n', lines).Replace("function fail() {", "function failAt(code) { mstore(0x00, code) revert(0x00, 0x20) }\n            function fail() {");
        var c = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(src, e.ContractName, fileName: "Verifier.sol");
        var v = await OnChainVerifier.DeployAsync(fx.Chain, c);
        var r = await fx.Chain.CallAsync(v.Address, VerifierCalldata.Encode(fx.Proof(e, batch)));
        int line = r.ReturnData.Length == 32 ? r.ReturnData[30] * 256 + r.ReturnData[31] : -1;
        output.WriteLine(src.Split('\n').First(l => l.Contains("BATCH_LAYOUTS = ")) + " proof " + fx.Proof(e, batch).ProofSize);
        output.WriteLine($"success={r.Success} line={line}: {(line > 0 ? lines[line - 1].Trim() : "")}");
        if (line > 0) for (int k = Math.Max(0, line - 12); k < line; k++) output.WriteLine(lines[k]);
    }
}
