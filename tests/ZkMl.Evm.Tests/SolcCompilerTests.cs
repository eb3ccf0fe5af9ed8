using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests;

public class SolcCompilerTests
{
    private static readonly SolcCompiler Solc = new(RepoPaths.Root);

    [Fact]
    public async Task VersionIsThePinnedOne() =>
        Assert.StartsWith("0.8.37+", await Solc.VersionAsync());

    [Fact]
    public async Task SyntaxErrorNamesFileAndLine()
    {
        const string source = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.0;\ncontract Broken {\n    function f() external { uint x = 1 }\n}\n";
        var e = await Assert.ThrowsAsync<SolcCompilationException>(() => Solc.CompileContractAsync(source, "Broken", fileName: "Broken.sol"));
        var err = Assert.Single(e.Errors);
        Assert.Equal("ParserError", err.Type);
        Assert.Equal("Broken.sol", err.File);
        Assert.Equal(4, err.Line);
        Assert.Contains("Broken.sol:4:", e.Message);
        Assert.Contains("ParserError", e.Message);
    }

    [Fact]
    public async Task TypeErrorsAreAllListed()
    {
        const string source = "pragma solidity ^0.8.0;\ncontract T {\n    function f() external pure returns (uint) { return true; }\n    function g() external pure returns (bool) { return 1; }\n}\n";
        var e = await Assert.ThrowsAsync<SolcCompilationException>(() => Solc.CompileContractAsync(source, "T", fileName: "T.sol"));
        Assert.Equal([3, 4], e.Errors.Select(d => d.Line ?? 0).Order());
        Assert.All(e.Errors, d => Assert.Equal("TypeError", d.Type));
    }

    [Fact]
    public async Task UnknownContractNameListsTheAvailableOnes()
    {
        const string source = "pragma solidity ^0.8.0;\ncontract A {}\ncontract B {}\n";
        var e = await Assert.ThrowsAsync<KeyNotFoundException>(() => Solc.CompileContractAsync(source, "C", fileName: "AB.sol"));
        Assert.Contains("AB.sol:A", e.Message);
        Assert.Contains("AB.sol:B", e.Message);
    }

    [Fact]
    public async Task ViaIrWithoutMetadataCompilesDeterministicallyAndRuns()
    {
        const string source = "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract Sq { function sq(uint256 x) external pure returns (uint256) { return x * x; } }\n";
        var settings = new SolcSettings { ViaIR = true, OptimizerRuns = 1, AppendMetadataHash = false, EvmVersion = "cancun" };
        var output = await Solc.CompileAsync(new Dictionary<string, string> { ["Sq.sol"] = source }, settings);
        var c = output.Get("Sq");
        Assert.DoesNotContain(output.Diagnostics, d => d.Severity == "error");
        Assert.Contains("\"sq\"", c.AbiJson);
        // Without the CBOR metadata the code is a pure function of the program: a comment changes nothing.
        var again = await Solc.CompileContractAsync("// another comment\n" + source, "Sq", settings, "Other.sol");
        Assert.Equal(c.DeployedBytecode, again.DeployedBytecode);

        await using var node = await AnvilNode.StartAsync(new AnvilOptions { RepositoryRoot = RepoPaths.Root });
        using var chain = node.Chain();
        var d = await chain.DeployAsync(c);
        Assert.Equal(c.DeployedSize, d.DeployedSize);
        var r = await chain.CallAsync(d.Address, TestAbi.Call("sq", ("uint256", new System.Numerics.BigInteger(12))));
        Assert.Equal(144, TestAbi.Decode<System.Numerics.BigInteger>(r.EnsureSuccess(), "uint256"));
        // overflow → Panic(0x11)
        var overflow = await chain.CallAsync(d.Address, TestAbi.Call("sq", ("uint256", System.Numerics.BigInteger.One << 200)));
        Assert.False(overflow.Success);
        Assert.Equal("Panic(0x11)", RevertReason.Decode(overflow.ReturnData));
    }

    [Fact]
    public void MissingSolcGivesSetupHint()
    {
        var empty = Directory.CreateTempSubdirectory("zkml-nosolc-");
        try
        {
            var e = Assert.Throws<FileNotFoundException>(() => new SolcCompiler(empty.FullName));
            Assert.Contains("scripts/setup.sh", e.Message);
        }
        finally
        {
            empty.Delete(recursive: true);
        }
    }

    [Fact]
    public void SettingsGoIntoTheStandardJson()
    {
        var json = SolcCompiler.BuildInput(new Dictionary<string, string> { ["a.sol"] = "x" },
            new SolcSettings { OptimizerRuns = 77, ViaIR = true, EvmVersion = "prague" }).ToJsonString();
        Assert.Contains("\"runs\":77", json);
        Assert.Contains("\"viaIR\":true", json);
        Assert.Contains("\"evmVersion\":\"prague\"", json);
        Assert.Throws<ArgumentOutOfRangeException>(() => SolcCompiler.BuildInput(new Dictionary<string, string> { ["a.sol"] = "x" }, new SolcSettings { OptimizerRuns = 0 }));
    }
}
