using System.CommandLine;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using ZkMl.Service;

namespace ZkMl.Cli.Verbs;

/// <summary><c>zkml serve [--port P] [--bind ADDR] [--data DIR] [--api-key-file F] [--max-queue N] [--job-timeout S]</c>: the prover as an HTTP+JSON service.</summary>
internal static class ServeVerb
{
    public static Command Create()
    {
        var port = new Option<int>("--port", "-p") { HelpName = "P", Description = "TCP port (0: any free port)", DefaultValueFactory = _ => 8080 };
        var bind = new Option<string>("--bind") { HelpName = "ADDR", Description = "Address to listen on; anything but loopback requires --api-key-file", DefaultValueFactory = _ => "127.0.0.1" };
        var data = new Option<string>("--data") { HelpName = "DIR", Description = "Folder of the job store (SQLite), circuits, keys and proofs", DefaultValueFactory = _ => "zkml-data" };
        var keyFile = new Option<string?>("--api-key-file") { HelpName = "FILE", Description = "A file holding the bearer API key (first line, at least 16 characters); clients send Authorization: Bearer KEY" };
        var maxQueue = new Option<int>("--max-queue") { HelpName = "N", Description = "Queued jobs accepted before new ones get 429 with Retry-After", DefaultValueFactory = _ => 64 };
        var timeout = new Option<double>("--job-timeout") { HelpName = "S", Description = "Seconds one proof may take before the job fails", DefaultValueFactory = _ => 600 };
        var concurrency = new Option<int>("--concurrency") { HelpName = "N", Description = "Jobs proven at once (each proof already uses every core)", DefaultValueFactory = _ => 1 };
        var postgres = new Option<string?>("--postgres") { HelpName = "CONNSTRING", Description = "Keep jobs in PostgreSQL (an Npgsql connection string: Host=…;Database=…;Username=…; the password from PGPASSWORD or ~/.pgpass) instead of SQLite in --data" };
        var allowDev = new Option<bool>("--allow-insecure-dev-setup") { Description = "Let clients register a circuit with setup=dev: keys on an INSECURE development SRS made on the server (tests and demos only)" };
        var cmd = new Command("serve", "Serve the prover over HTTP+JSON: register circuits, submit batches, fetch and verify proofs (OpenAPI at /openapi.json)")
        {
            port, bind, data, keyFile, maxQueue, timeout, concurrency, postgres, allowDev,
        };
        cmd.SetAction(pr => CliHost.Run(pr, "serve", ctx =>
        {
            string? key = null;
            if (pr.GetValue(keyFile) is { } kf)
            {
                key = File.ReadLines(CliFiles.Require(kf, "a file holding the API key")).FirstOrDefault()?.Trim();
                if (string.IsNullOrEmpty(key)) throw new UserException($"{kf}: empty (expected the API key on its first line)");
            }
            var options = new ServiceOptions
            {
                Port = pr.GetValue(port), Bind = pr.GetValue(bind)!, DataDir = pr.GetValue(data)!, ApiKey = key,
                MaxQueue = pr.GetValue(maxQueue), PostgresConnectionString = pr.GetValue(postgres), Concurrency = pr.GetValue(concurrency), AllowInsecureDevSetup = pr.GetValue(allowDev),
                JobTimeout = pr.GetValue(timeout) is > 0 and var s && double.IsFinite(s) ? TimeSpan.FromSeconds(s) : throw new UserException($"--job-timeout {pr.GetValue(timeout).ToString(CultureInfo.InvariantCulture)}: expected a positive number of seconds"),
            };
            return Run(ctx, options);
        }));
        return cmd;
    }

    private static int Run(VerbContext ctx, ServiceOptions options)
    {
        WebApplication app;
        try { app = ProverHost.Build(options); }
        catch (ServiceConfigException e) { throw new UserException(e.Message); }
        if (options.AllowInsecureDevSetup) ctx.Alert("--allow-insecure-dev-setup: clients may register circuits whose keys rest on an INSECURE development SRS.");
        app.Start();
        var urls = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        string jobs = app.Services.GetRequiredService<ZkMl.Service.Jobs.JobStore>().Describe;
        foreach (var u in urls) ctx.StdErr.WriteLine($"zkml serve: listening on {u} (data in {Path.GetFullPath(options.DataDir)}; jobs in {jobs}; OpenAPI at {u}/openapi.json; Ctrl+C to stop)");
        ctx.StdErr.Flush();
        app.WaitForShutdown();
        return 0;
    }
}
