using ZkMl.Evm.Chain;
using ZkMl.Evm.Solc;
using ZkMl.Evm.Verifier;
using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Evm.Tests.Verifier;

[CollectionDefinition(Name)]
public class VerifierContractCollection : ICollectionFixture<VerifierContractFixture>
{
    public const string Name = "verifier-contracts";
}

/// <summary>One anvil node (EIP-170 size limit on) with the generated verifiers of the example circuits deployed.</summary>
public sealed class VerifierContractFixture : IAsyncLifetime
{
    private readonly AnvilFixture _anvil = new();
    private readonly Dictionary<string, Deployed> _deployed = [];

    public sealed record Deployed(ExampleCircuits.Example Example, string Source, CompiledContract Contract, OnChainVerifier Verifier);

    public EvmChain Chain { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await _anvil.InitializeAsync();
        Chain = new EvmChain(_anvil.Web3);
    }

    public async Task DisposeAsync() => await _anvil.DisposeAsync();

    private readonly SemaphoreSlim _lock = new(1, 1);

    public async Task<Deployed> GetAsync(ExampleCircuits.Example e)
    {
        await _lock.WaitAsync();
        try
        {
            if (_deployed.TryGetValue(e.Name, out var d)) return d;
            var source = SolidityVerifierGenerator.Generate(e.Vk, e.ContractName);
            var settings = SolidityVerifierGenerator.RecommendedSettings;
            var contract = await new SolcCompiler(RepoPaths.Root).CompileContractAsync(source, e.ContractName, settings, fileName: "Verifier.sol");
            var v = await OnChainVerifier.DeployAsync(Chain, contract);
            d = new Deployed(e, source, contract, v);
            _deployed[e.Name] = d;
            return d;
        }
        finally { _lock.Release(); }
    }

    private readonly Dictionary<(string, int), InferenceProof> _proofs = [];

    public InferenceProof Proof(ExampleCircuits.Example e, int batch)
    {
        lock (_proofs)
        {
            if (!_proofs.TryGetValue((e.Name, batch), out var p))
                _proofs[(e.Name, batch)] = p = InferenceProver.Prove(e.Pk, e.Samples.Take(batch).ToArray());
            return p;
        }
    }
}
