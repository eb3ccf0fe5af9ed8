using ZkMl.Inference;
using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>create-evm-verifier → deploy → verify-onchain (named node and local anvil), encode-calldata, on circuits/tiny.</summary>
public class OnChainVerbTests(TinyKeysFixture tiny, AnvilFixture anvil) : IClassFixture<TinyKeysFixture>, IClassFixture<AnvilFixture>
{
    private string Proof(string name)
    {
        string proof = tiny.File(name);
        if (!File.Exists(proof)) Zkml.Ok("prove", tiny.Circuit, "--input", Zkml.Tiny("input.json"), "--pk", tiny.Pk, "-o", proof, "--quiet");
        return proof;
    }

    [Fact]
    public void CreateDeployAndVerifyOnANamedNode()
    {
        string sol = tiny.File("Verifier.sol"), proof = Proof("chain.proof"), rpc = anvil.RpcUrl.ToString();
        var c = Zkml.Ok("create-evm-verifier", "--vk", tiny.Vk, "-o", sol, "--contract-name", "TinyVerifier", "--json").Json();
        Assert.InRange(c.GetProperty("deployedBytes").GetInt32(), 1, 24_576);
        Assert.Contains("contract TinyVerifier", File.ReadAllText(sol));

        var dr = Zkml.Ok("deploy", sol, "--rpc", rpc, "--json");
        var d = dr.Json();
        // The verifier's header says its key rests on a development SRS: deploy warns and reports it.
        Assert.True(d.GetProperty("insecure").GetBoolean());
        Assert.Contains("INSECURE development SRS (its header says so)", dr.Err);
        string address = d.GetProperty("address").GetString()!;
        Assert.Equal(c.GetProperty("deployedBytes").GetInt32(), d.GetProperty("deployedBytes").GetInt32());

        var v = Zkml.Ok("verify-onchain", "--vk", tiny.Vk, "--proof", proof, "--rpc", rpc, "--address", address);
        Assert.StartsWith("verified on chain", v.Out);
        Assert.Contains("gas estimate", v.Out);

        // A statement with one output changed (file digest intact): the contract returns false.
        var p = InferenceProof.Load(proof);
        var vk = VerifyingKey.Load(tiny.Vk);
        var io = p.DecodePublicIO(vk);
        var y = io.Outputs.ToArray();
        y[2] -= 1;
        string lie = tiny.File("chain-lie.proof");
        File.WriteAllBytes(lie, InferenceProof.FromParts(p.VkDigest, PublicIO.Create(vk, io.BatchSize, io.Inputs, y).Words, p.ProofBytes, p.Flags).ToFileBytes());
        Zkml.Fails(["verify-onchain", "--vk", tiny.Vk, "--proof", lie, "--rpc", rpc, "--address", address], "not verified", "returned false");

        Zkml.Fails(["verify-onchain", "--vk", tiny.Vk, "--proof", proof, "--rpc", rpc, "--address", "0x00000000000000000000000000000000000000aa"], "no contract deployed there");
        Zkml.Fails(["verify-onchain", "--vk", tiny.Vk, "--proof", proof, "--address", address], "--address needs --rpc");
        Zkml.Fails(["deploy", Zkml.Tiny("model.json"), "--rpc", rpc], "model.json", "no contract declaration");
        Zkml.Fails(["deploy", sol, "--rpc", "not a url"], "--rpc not a url");
        string broken = tiny.File("Broken.sol");
        File.WriteAllText(broken, "// SPDX-License-Identifier: MIT\npragma solidity ^0.8.24;\ncontract Broken { function f() external { uint x = ; } }\n");
        Zkml.Fails(["deploy", broken, "--rpc", rpc], "Broken.sol: solc:", "Broken.sol:3");
    }

    [Fact]
    public async Task DeployAndVerifyWithAPrivateKeySignedLocally()
    {
        // anvil's dev account #1, signed by Nethereum in the zkml process (eth_sendRawTransaction).
        const string key = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d";
        string sol = tiny.File("KeyVerifier.sol"), proof = Proof("key.proof"), rpc = anvil.RpcUrl.ToString();
        Zkml.Ok("create-evm-verifier", "--vk", tiny.Vk, "-o", sol, "--quiet");
        var d = Zkml.Ok("deploy", sol, "--rpc", rpc, "--private-key", key, "--json").Json();
        string hash = d.GetProperty("transactionHash").GetString()!;
        var tx = await anvil.Web3.Eth.Transactions.GetTransactionByHash.SendRequestAsync(hash);
        Assert.Equal("0x70997970c51812dc3a010c7d01b50e0d17dc79c8", tx.From.ToLowerInvariant());
        Assert.Equal(2, (int)tx.Type.Value);

        var v = Zkml.Ok("verify-onchain", "--vk", tiny.Vk, "--proof", proof, "--rpc", rpc, "--private-key", key, "--json").Json();
        Assert.True(v.GetProperty("verified").GetBoolean());
        Assert.True(v.GetProperty("gasEstimate").GetInt64() > 21_000);

        Zkml.Fails(["deploy", sol, "--rpc", rpc, "--private-key", "0x1234"], "--private-key", "expected 32 bytes");
        Zkml.Fails(["deploy", sol, "--rpc", rpc, "--private-key", "0x" + new string('0', 64)], "--private-key", "[1, n)");
    }

    [Fact]
    public void VerifyOnchainWithoutRpcStartsAndStopsALocalAnvil()
    {
        string proof = Proof("local.proof");
        var run = Zkml.Ok("verify-onchain", "--vk", tiny.Vk, "--proof", proof, "--json");
        var j = run.Json();
        Assert.True(j.GetProperty("verified").GetBoolean());
        Assert.True(j.GetProperty("insecure").GetBoolean());
        Assert.Contains("made on an INSECURE development SRS", run.Err);
        Assert.True(j.GetProperty("gasUsed").GetInt64() > 21_000);
        Assert.True(j.GetProperty("deployedBytes").GetInt32() > 0);

        // A proof for another key is refused before any chain work.
        string other = tiny.File("chain-other-keys");
        Zkml.Ok("setup", tiny.Circuit, "--dev-srs", "--dev-seed", "9", "-o", other, "--max-batch", "16", "--quiet");
        Zkml.Fails(["verify-onchain", "--vk", Path.Combine(other, "vk.bin"), "--proof", proof], "not verified", "another verifying key");
    }

    [Fact]
    public void VerifyOnchainOnALocalAnvilChecksAVerifierOverEip170WithAWarning()
    {
        // Seven dense layers: the straight-line verifier of a deep network is over EIP-170 (≈ 33.5 kB). The local anvil is
        // started without the limit (as zkml demo's), the verdict is real, and the user is told mainnet would refuse it.
        var rng = new Random(5);
        int[] sizes = [6, 8, 8, 8, 8, 8, 8, 4];
        var layers = new List<object>();
        for (int i = 0; i + 1 < sizes.Length; i++)
            layers.Add(new
            {
                name = $"l{i}",
                activation = i + 2 < sizes.Length ? "relu" : "none",
                weights = Enumerable.Range(0, sizes[i]).Select(_ => Enumerable.Range(0, sizes[i + 1]).Select(_ => Math.Round(rng.NextDouble() * 0.8 - 0.4, 4)).ToArray()).ToArray(),
                bias = Enumerable.Range(0, sizes[i + 1]).Select(_ => Math.Round(rng.NextDouble() * 0.2 - 0.1, 4)).ToArray(),
            });
        string model = tiny.File("deep-model.json"), input = tiny.File("deep-input.json"), circuit = tiny.File("deep.zkc"), keys = tiny.File("deep-keys");
        File.WriteAllText(model, System.Text.Json.JsonSerializer.Serialize(new { format = "zkml-model", version = 1, name = "deep", input_size = 6, layers }));
        File.WriteAllText(input, System.Text.Json.JsonSerializer.Serialize(new { input_data = new[] { new[] { 0.5, -0.25, 0.75, 0.1, -0.6, 0.3 } } }));
        Zkml.Ok("compile", model, "--data", input, "-o", circuit, "--quiet");
        Zkml.Ok("setup", circuit, "--dev-srs", "--dev-seed", "4", "--max-batch", "1", "-o", keys, "--quiet");
        string vk = Path.Combine(keys, "vk.bin"), proof = tiny.File("deep.proof");
        Zkml.Ok("prove", circuit, "--input", input, "--pk", Path.Combine(keys, "pk.bin"), "-o", proof, "--quiet");

        var run = Zkml.Ok("verify-onchain", "--vk", vk, "--proof", proof, "--json");
        var j = run.Json();
        Assert.True(j.GetProperty("verified").GetBoolean());
        Assert.True(j.GetProperty("deployedBytes").GetInt32() > 24_576);
        Assert.Contains("over the EIP-170 limit of 24,576", run.Err);
        Assert.Contains("--disable-code-size-limit", run.Err);

        // The same contract still rejects a changed output.
        var p = InferenceProof.Load(proof);
        var key = VerifyingKey.Load(vk);
        var io = p.DecodePublicIO(key);
        var y = io.Outputs.ToArray();
        y[0] += 1;
        string lie = tiny.File("deep-lie.proof");
        File.WriteAllBytes(lie, InferenceProof.FromParts(p.VkDigest, PublicIO.Create(key, io.BatchSize, io.Inputs, y).Words, p.ProofBytes, p.Flags).ToFileBytes());
        Zkml.Fails(["verify-onchain", "--vk", vk, "--proof", lie], "not verified", "returned false");
    }

    [Fact]
    public void EncodeCalldataPrintsTheVerifyProofCall()
    {
        string proof = Proof("calldata.proof"), file = tiny.File("calldata.txt");
        var r = Zkml.Ok("encode-calldata", "--proof", proof, "-o", file);
        string hex = r.Out.Trim();
        Assert.StartsWith("0x", hex);
        Assert.Equal(hex, File.ReadAllText(file).Trim());
        var j = Zkml.Ok("encode-calldata", "--proof", proof, "--json").Json();
        Assert.Equal(hex, j.GetProperty("calldata").GetString());
        Assert.StartsWith(j.GetProperty("selector").GetString()!, hex);
        Assert.Equal(InferenceProof.Load(proof).PublicInputs.Length / 32, j.GetProperty("publicInputs").GetArrayLength());
        Zkml.Fails(["encode-calldata", "--proof", tiny.File("none.proof")], "none.proof: file not found");
    }
}
