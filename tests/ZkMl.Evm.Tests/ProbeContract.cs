using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests;

/// <summary>The test classes that share one <see cref="ProbeFixture"/> (one anvil, one compilation).</summary>
[CollectionDefinition(Name)]
public class ProbeCollection : ICollectionFixture<ProbeFixture>
{
    public const string Name = "probe";
}

/// <summary>One anvil node and one compiled + deployed test contract, shared by the <see cref="ProbeCollection"/>.</summary>
public sealed class ProbeFixture : IAsyncLifetime
{
    public const string Source = """
        // SPDX-License-Identifier: MIT
        pragma solidity ^0.8.24;

        contract Probe {
            uint256 public counter;
            int256 public immutable offset;

            event Stored(uint256 value);

            constructor(int256 offset_) {
                offset = offset_;
            }

            function digest(bytes calldata data, uint256[] calldata xs) external pure returns (bytes32 h, uint256 sum, uint256 len) {
                h = keccak256(data);
                for (uint256 i = 0; i < xs.length; ++i) sum += xs[i];
                len = data.length;
            }

            function sumSigned(int256[] calldata xs) external view returns (int256 s) {
                s = offset;
                for (uint256 i = 0; i < xs.length; ++i) s += xs[i];
            }

            function isOdd(uint256 x) external pure returns (bool) {
                return x % 2 == 1;
            }

            function echo(bytes calldata data) external pure returns (bytes memory) {
                return data;
            }

            function echoStatic(uint256 a, int256 b, address c, bool d, bytes32 e) external pure returns (bytes memory) {
                return abi.encode(a, b, c, d, e);
            }

            function echoDynamic(bytes memory f, uint256[] memory g, int256[] memory h) external pure returns (bytes memory) {
                return abi.encode(f, g, h);
            }

            function echoNested(uint256[][] memory a, string[] memory s) external pure returns (bytes memory) {
                return abi.encode(a, s);
            }

            function store(uint256 v) external {
                require(v != 0, "zero not allowed");
                counter += v;
                emit Stored(v);
            }

            function burn(uint256 rounds) external {
                uint256 c = counter;
                for (uint256 i = 0; i < rounds; ++i) c = uint256(keccak256(abi.encode(c, i)));
                counter = c;
            }

            function shaStore(bytes calldata d) external {
                (bool ok, bytes memory out) = address(2).staticcall(d);
                require(ok, "sha256 precompile failed");
                counter = uint256(bytes32(out)) | 1;
            }

            function sha(bytes calldata d) external view returns (bytes32) {
                (bool ok, bytes memory out) = address(2).staticcall(d);
                require(ok, "sha256 precompile failed");
                return abi.decode(out, (bytes32));
            }
        }
        """;

    public const int Offset = -7;

    public AnvilFixture Anvil { get; } = new();

    public CompiledContract Contract { get; private set; } = null!;

    public DeploymentResult Deployment { get; private set; } = null!;

    public EvmChain Chain { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var compile = new SolcCompiler(RepoPaths.Root).CompileContractAsync(Source, "Probe", new SolcSettings { OptimizerRuns = 1000 }, "Probe.sol");
        await Anvil.InitializeAsync();
        Contract = await compile;
        Chain = new EvmChain(Anvil.Web3);
        Deployment = await Chain.DeployAsync(Contract, new Nethereum.ABI.ABIValue("int256", Offset));
    }

    public async Task DisposeAsync()
    {
        Chain?.Dispose();
        await Anvil.DisposeAsync();
    }
}
