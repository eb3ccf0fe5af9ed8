using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using ZkMl.TestKit;

// The hosts are CPU-bound provers on a shared 2-core box: one test class at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace ZkMl.Service.Tests;

/// <summary>Runs the zkml command in process.</summary>
public static class Zkml
{
    public static CliResult Run(params string[] args) => CliCapture.Run(ZkMl.Cli.Program.Run, args);

    public static CliResult Ok(params string[] args)
        => CliCapture.Ok(ZkMl.Cli.Program.Run, args);

    public static string Tiny(string file) => Path.Combine(RepoPaths.Root, "circuits", "tiny", file);
}

/// <summary>The tiny circuit compiled and keys made once (INSECURE dev SRS, batches up to 16).</summary>
public sealed class TinyFixture : IDisposable
{
    public TinyFixture()
    {
        Dir = Directory.CreateTempSubdirectory("zkml-service-tests-").FullName;
        Zkml.Ok("compile", Zkml.Tiny("model.json"), "--data", Zkml.Tiny("input.json"), "-o", Circuit, "--json");
        Zkml.Ok("setup", Circuit, "--dev-srs", "--dev-seed", "7", "-o", Path.Combine(Dir, "keys"), "--max-batch", "16", "--json");
    }

    public string Dir { get; }
    public string Circuit => Path.Combine(Dir, "tiny.zkc");
    public string Pk => Path.Combine(Dir, "keys", "pk.bin");
    public string Vk => Path.Combine(Dir, "keys", "vk.bin");
    public string File(string name) => Path.Combine(Dir, name);

    /// <summary>A fresh empty folder under the fixture's.</summary>
    public string NewDir(string prefix) => Directory.CreateDirectory(Path.Combine(Dir, prefix + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;

    /// <summary>n rows of the tiny circuit (4 inputs) as EZKL input.json.</summary>
    public static string Rows(int n, int seed = 1) => ZkMl.Compiler.Model.InputData.Serialize(TestNetworks.Samples(seed, n, 4));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}

/// <summary>A running prover host: the in-memory test server (as WebApplicationFactory uses) or real Kestrel on loopback.</summary>
public sealed class Host : IAsyncDisposable
{
    private Host(WebApplication app, HttpClient client) { App = app; Client = client; }

    public WebApplication App { get; }
    public HttpClient Client { get; }

    public static async Task<Host> StartAsync(ServiceOptions o, bool kestrel = false)
    {
        var app = ProverHost.Build(o, kestrel ? null : b => b.WebHost.UseTestServer());
        await app.StartAsync();
        HttpClient client;
        if (kestrel)
        {
            string url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            client = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(90) };
        }
        else
        {
            client = app.GetTestClient();
            client.Timeout = TimeSpan.FromSeconds(90);
        }
        return new Host(app, client);
    }

    /// <summary>Registers the fixture's circuit with its keys; returns the circuit id.</summary>
    public async Task<string> RegisterAsync(TinyFixture t)
    {
        using var form = Form(("circuit", t.Circuit), ("pk", t.Pk), ("vk", t.Vk));
        var r = await Client.PostAsync("/circuits", form);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    public static MultipartFormDataContent Form(params (string Name, string Path)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (n, p) in files)
        {
            var c = new ByteArrayContent(File.ReadAllBytes(p));
            c.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(c, n, Path.GetFileName(p));
        }
        return form;
    }

    /// <summary>Submits rows; returns the response.</summary>
    public Task<HttpResponseMessage> SubmitAsync(string circuit, string json) =>
        Client.PostAsync($"/circuits/{circuit}/jobs", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

    /// <summary>Submits and asserts 202; returns the job id.</summary>
    public async Task<string> SubmitOkAsync(string circuit, string json)
    {
        var r = await SubmitAsync(circuit, json);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.StatusCode == System.Net.HttpStatusCode.Accepted, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetString()!;
    }

    /// <summary>Long-polls until the job is terminal (bounded); returns the job JSON.</summary>
    public async Task<JsonElement> WaitAsync(string job, int maxSeconds = 120)
    {
        var until = DateTime.UtcNow.AddSeconds(maxSeconds);
        while (true)
        {
            var j = await GetJsonAsync($"/jobs/{job}?wait=20");
            string s = j.GetProperty("state").GetString()!;
            if (s is "done" or "failed" or "cancelled") return j;
            Assert.True(DateTime.UtcNow < until, $"job {job} still {s} after {maxSeconds} s");
        }
    }

    public async Task<JsonElement> GetJsonAsync(string path)
    {
        var r = await Client.GetAsync(path);
        var body = await r.Content.ReadAsStringAsync();
        Assert.True(r.IsSuccessStatusCode, $"{path}: {(int)r.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync();
        await App.DisposeAsync();
    }
}

public static class Problem
{
    /// <summary>Asserts an RFC 7807 problem with <paramref name="status"/> whose detail contains every fragment.</summary>
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage r, int status, params string[] fragments)
    {
        string body = await r.Content.ReadAsStringAsync();
        Assert.True((int)r.StatusCode == status, $"expected {status}, got {(int)r.StatusCode}: {body}");
        Assert.Equal("application/problem+json", r.Content.Headers.ContentType?.MediaType);
        var p = JsonDocument.Parse(body).RootElement.Clone();
        Assert.Equal(status, p.GetProperty("status").GetInt32());
        string detail = p.GetProperty("detail").GetString()!;
        foreach (var f in fragments) Assert.True(detail.Contains(f, StringComparison.Ordinal), $"missing '{f}' in: {detail}");
        return p;
    }
}
