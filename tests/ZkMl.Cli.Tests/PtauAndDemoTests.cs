using ZkMl.TestKit;

namespace ZkMl.Cli.Tests;

/// <summary>setup --ptau on a snarkjs file (and its SRS cache), and the demo verb.</summary>
public class PtauAndDemoTests(TinyKeysFixture tiny) : IClassFixture<TinyKeysFixture>
{
    /// <summary>A contributed power-12 ceremony (4,095 G1 powers… 8,191: the tiny circuit at max batch 1 needs 4,096), made once.</summary>
    private string Ceremony()
    {
        string fresh = tiny.File("pot12_0.ptau"), ptau = tiny.File("pot12.ptau");
        if (File.Exists(ptau)) return ptau;
        Snarkjs.Run("powersoftau", "new", "bn128", "12", fresh);
        Snarkjs.Run("powersoftau", "contribute", fresh, ptau, "--name=zkml-cli-test", "-e=zkml cli test entropy");
        return ptau;
    }

    [Fact]
    public void SetupReadsASnarkjsPtauFileAndCachesIt()
    {
        string ptau = Ceremony(), cache = tiny.File("srs-cache"), keys = tiny.File("ptau-keys");
        var s = Zkml.Ok("setup", tiny.Circuit, "--ptau", ptau, "--srs-cache", cache, "-o", keys, "--max-batch", "1", "--json");
        Assert.DoesNotContain("INSECURE", s.Err);
        Assert.False(s.Json().GetProperty("insecure").GetBoolean());
        var j = s.Json().GetProperty("srs");
        Assert.False(j.GetProperty("insecure").GetBoolean());
        Assert.Equal("ceremony", j.GetProperty("kind").GetString());
        Assert.Equal(1, j.GetProperty("contributions").GetInt32());
        Assert.Equal(128, j.GetProperty("ceremonyHash").GetString()!.Length);
        Assert.Contains("pot12.ptau", j.GetProperty("description").GetString());
        Assert.Single(Directory.GetFiles(cache, "*.srs"));
        Zkml.Ok("setup", tiny.Circuit, "--ptau", ptau, "--srs-cache", cache, "-o", keys, "--max-batch", "1", "--quiet");

        string input = tiny.File("ptau-one.json"), proof = tiny.File("ptau.proof");
        File.WriteAllText(input, "{\"input_data\": [[-0.5, 0.25, 0.75, 0.0]]}");
        var p = Zkml.Ok("prove", tiny.Circuit, "--input", input, "--pk", Path.Combine(keys, "pk.bin"), "-o", proof, "--json");
        Assert.DoesNotContain("INSECURE", p.Err);
        Assert.False(p.Json().GetProperty("insecure").GetBoolean());
        var v = Zkml.Ok("verify", "--vk", Path.Combine(keys, "vk.bin"), "--proof", proof, "--json");
        Assert.DoesNotContain("INSECURE", v.Err);
        Assert.False(v.Json().GetProperty("insecure").GetBoolean());
        Assert.Equal(j.GetProperty("ceremonyHash").GetString(), v.Json().GetProperty("srs").GetProperty("ceremonyHash").GetString());
        // The generated contract names the ceremony in its header comment.
        string sol = tiny.File("ptau-Verifier.sol");
        var c = Zkml.Ok("create-evm-verifier", "--vk", Path.Combine(keys, "vk.bin"), "-o", sol, "--no-compile", "--json");
        Assert.False(c.Json().GetProperty("insecure").GetBoolean());
        Assert.DoesNotContain("INSECURE", c.Err);
        Assert.Contains("// SRS: snarkjs powers-of-tau ceremony, 1 contribution; last next-challenge hash (snarkjs powersoftau verify) 0x" + j.GetProperty("ceremonyHash").GetString(), File.ReadAllText(sol));
        Assert.False(ZkMl.Evm.Verifier.SolidityVerifierGenerator.DeclaresInsecureOrigin(File.ReadAllText(sol)));   // what deploy reads
        Assert.Null(ZkMl.Evm.Verifier.SolidityVerifierGenerator.DeclaresInsecureOrigin("pragma solidity ^0.8.24;\n// SRS: INSECURE development SRS.\ncontract X {}"));

        // Too small a file for the requested batch: named, with the sizes.
        Zkml.Fails(["setup", tiny.Circuit, "--ptau", ptau, "--srs-cache", cache, "-o", tiny.File("big-keys"), "--max-batch", "4096"], "pot12.ptau", "too small", "smaller --max-batch");
    }

    [Fact]
    public void SetupRefusesACeremonyFileWithoutContribution()
    {
        Ceremony();
        // snarkjs powersoftau new: τ = 1, every power is the generator.
        var r = Zkml.Fails(["setup", tiny.Circuit, "--ptau", tiny.File("pot12_0.ptau"), "--srs-cache", tiny.File("fresh-cache"), "-o", tiny.File("fresh-keys"), "--max-batch", "1"],
            "pot12_0.ptau", "no contribution", "powersoftau new");
        Assert.False(File.Exists(Path.Combine(tiny.File("fresh-keys"), "vk.bin")), r.ToString());
    }

    [Fact]
    public void SetupGoesOnUncachedWhenTheCacheCannotBeWritten()
    {
        string ptau = Ceremony();
        string blocker = tiny.File("not-a-folder");
        File.WriteAllText(blocker, "x");
        var r = Zkml.Ok("setup", tiny.Circuit, "--ptau", ptau, "--srs-cache", Path.Combine(blocker, "zkml"), "-o", tiny.File("blocked-keys"), "--max-batch", "1");
        Assert.Contains("cannot write the SRS cache", r.Err);
        Assert.Contains("going on without it", r.Err);
        Assert.True(File.Exists(Path.Combine(tiny.File("blocked-keys"), "vk.bin")));

        // Neither XDG_CACHE_HOME nor HOME: no cache (and nothing written to ./.cache), with a warning.
        string? home = Environment.GetEnvironmentVariable("HOME"), xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        string cwd = Environment.CurrentDirectory, work = Directory.CreateDirectory(tiny.File("cwd")).FullName;
        try
        {
            Environment.SetEnvironmentVariable("HOME", null);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", "relative/ignored");
            Environment.CurrentDirectory = work;
            var n = Zkml.Ok("setup", tiny.Circuit, "--ptau", ptau, "-o", tiny.File("nohome-keys"), "--max-batch", "1");
            Assert.Contains("the SRS is not cached", n.Err);
            Assert.Empty(Directory.GetFileSystemEntries(work));
        }
        finally
        {
            Environment.CurrentDirectory = cwd;
            Environment.SetEnvironmentVariable("HOME", home);
            Environment.SetEnvironmentVariable("XDG_CACHE_HOME", xdg);
        }
    }

    [Fact]
    public void DemoProvesRealMnistImagesAndVerifiesInCSharpAndOnChain()
    {
        string dir = tiny.File("demo");
        var r = Zkml.Ok("demo", "--batch", "2", "--out", dir, "--json");
        var j = r.Json();
        Assert.True(j.GetProperty("verified").GetBoolean());
        Assert.Equal(2, j.GetProperty("predictions").GetArrayLength());
        // The first two MNIST test images are a 7 and a 2.
        Assert.Equal([7, 2], j.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Contains("INSECURE", r.Err);
        var chain = j.GetProperty("onChain");
        Assert.True(chain.GetProperty("accepted").GetBoolean());
        Assert.True(chain.GetProperty("tamperedRejected").GetBoolean());
        Assert.True(chain.GetProperty("verifyGas").GetInt64() > 0);
        Assert.InRange(chain.GetProperty("deployedBytes").GetInt32(), 1, 24_576);
        Assert.False(chain.GetProperty("overEip170").GetBoolean());
        Assert.DoesNotContain("EIP-170", r.Err);
        Assert.Equal("mlp", j.GetProperty("example").GetString());
        Assert.True(File.Exists(Path.Combine(dir, "Verifier.sol")));
        Zkml.Ok("verify", "--vk", Path.Combine(dir, "keys", "vk.bin"), "--proof", Path.Combine(dir, "proof.bin"));
    }
    [Fact]
    public void DemoZkProvesPrivateMnistImagesAndVerifiesThemOnChain()
    {
        // --zk: a ZK circuit with private inputs and the input range check on (the default); the statement holds C_X, not the pixels.
        string dir = tiny.File("demo-zk");
        var r = Zkml.Ok("demo", "--zk", "--batch", "2", "--out", dir, "--json");
        var j = r.Json();
        Assert.True(j.GetProperty("verified").GetBoolean());
        Assert.True(j.GetProperty("zk").GetBoolean());
        Assert.Equal([7, 2], j.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.StartsWith("0x", j.GetProperty("inputCommitment").GetString());
        // B ‖ C_X ‖ the outputs: 3 + ⌈2·10·yBytes/32⌉ words, not 784 pixels per image
        var vk = ZkMl.Inference.VerifyingKey.Load(Path.Combine(dir, "keys", "vk.bin"));
        Assert.True(vk.Zk.InputRangeCheck); // the range-checked statement, verified on chain too
        Assert.Equal(ZkMl.Inference.PublicIO.ByteLength(vk, 2) / 32, j.GetProperty("publicInputWords").GetInt32());
        Assert.Equal(3 + (2 * vk.OutputColumns * vk.YBytes + 31) / 32, j.GetProperty("publicInputWords").GetInt32());
        var chain = j.GetProperty("onChain");
        Assert.True(chain.GetProperty("accepted").GetBoolean());
        Assert.True(chain.GetProperty("tamperedRejected").GetBoolean());
        Assert.InRange(chain.GetProperty("deployedBytes").GetInt32(), 1, 24_576);
        Assert.True(File.Exists(Path.Combine(dir, "input.commit")));
        Assert.True(File.Exists(Path.Combine(dir, "input.opening")));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(dir, "input.opening")));
        var v = Zkml.Ok("verify", "--vk", Path.Combine(dir, "keys", "vk.bin"), "--proof", Path.Combine(dir, "proof.bin"), "--json").Json();
        Assert.True(v.GetProperty("zk").GetBoolean());
    }

    [Fact]
    public void DemoProvesALenetTestImageOnAnAnvilWithTheCodeSizeLimit()
    {
        string dir = tiny.File("demo-lenet");
        var r = Zkml.Ok("demo", "--model", "lenet", "--batch", "1", "--out", dir, "--json");
        var j = r.Json();
        Assert.Equal("lenet", j.GetProperty("example").GetString());
        Assert.EndsWith(Path.Combine("circuits", "lenet-mnist", "model.onnx"), j.GetProperty("model").GetString());
        Assert.StartsWith("1×28×28→conv5×5", j.GetProperty("shape").GetString());
        Assert.True(j.GetProperty("verified").GetBoolean());
        // Test image 0 is a 7; the int8 LeNet gets it right.
        Assert.Equal([7], j.GetProperty("labels").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal([7], j.GetProperty("predictions").EnumerateArray().Select(e => e.GetInt32()).ToArray());
        Assert.Equal(1, j.GetProperty("correct").GetInt32());
        var chain = j.GetProperty("onChain");
        Assert.True(chain.GetProperty("accepted").GetBoolean());
        Assert.True(chain.GetProperty("tamperedRejected").GetBoolean());
        Assert.True(chain.GetProperty("verifyGas").GetInt64() > 0);
        // the conv verifier is two contracts (docs/protocol.md "On-chain verifier"), each under EIP-170: the anvil keeps its limit
        Assert.InRange(chain.GetProperty("deployedBytes").GetInt32(), 1, 24_576);
        Assert.InRange(chain.GetProperty("firstPartBytes").GetInt32(), 1, 24_576);
        Assert.False(chain.GetProperty("overEip170").GetBoolean());
        Assert.False(chain.GetProperty("codeSizeLimitDisabled").GetBoolean());
        Assert.DoesNotContain("EIP-170", r.Err);
        Zkml.Ok("verify", "--vk", Path.Combine(dir, "keys", "vk.bin"), "--proof", Path.Combine(dir, "proof.bin"));
    }

    [Fact]
    public void DemoRejectsAnUnknownModelNameAndAModelNotOnMnistImages()
    {
        string dir = tiny.File("demo-nosuch");
        Zkml.Fails(["demo", "--model", "nosuch", "--out", dir, "--no-chain"], "--model nosuch: expected mlp, lenet or the path of a model file (.onnx or .json)");
        Assert.False(Directory.Exists(dir));
        // A model file that does not take 28×28 images is refused after loading it, before anything is written.
        Zkml.Fails(["demo", "--model", Zkml.Tiny("model.json"), "--out", dir, "--no-chain"], "model.json: the model takes 4 inputs per sample, but the MNIST test images have 784 pixels");
        Assert.False(Directory.Exists(dir));
    }
}
