using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ZkMl.Compiler;
using ZkMl.Proofs;
using ZkMl.Inference;
using ZkMl.Service.Jobs;

namespace ZkMl.Service;

/// <summary>
/// The ASP.NET Core host of <c>zkml serve</c>: Kestrel on loopback by default, a bearer API key whenever
/// it listens beyond loopback, RFC 7807 problem details for every error, the job store and provers as
/// singletons, and the endpoints of <see cref="ProverEndpoints"/>.
/// </summary>
public static class ProverHost
{
    /// <summary>
    /// Builds the host for <paramref name="options"/>; <paramref name="configure"/> may change the builder
    /// (tests swap Kestrel for the in-memory test server).
    /// </summary>
    /// <exception cref="ServiceConfigException">Settings the service refuses (e.g. beyond loopback without a key).</exception>
    public static WebApplication Build(ServiceOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        options.Validate();
        Directory.CreateDirectory(options.DataDir);
        var store = JobStore.Open(options); // opened here: an unreachable PostgreSQL is a start-up error, not a first-request one
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ApplicationName = "ZkMl.Service", ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(c => c.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = options.MaxCircuitBytes;
            k.AddServerHeader = false;
            var ip = options.Bind.Equals("localhost", StringComparison.OrdinalIgnoreCase) ? IPAddress.Loopback : IPAddress.Parse(options.Bind);
            k.Listen(ip, options.Port, l => l.Protocols = HttpProtocols.Http1);
        });
        builder.Services.Configure<FormOptions>(f =>
        {
            f.MultipartBodyLengthLimit = options.MaxCircuitBytes;
            f.ValueCountLimit = 16;
        });
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(store);
        builder.Services.AddSingleton(sp => new CircuitRegistry(options.DataDir, sp.GetRequiredService<JobStore>()));
        builder.Services.AddSingleton<ServiceMetrics>();
        builder.Services.AddSingleton<ProverQueue>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ProverQueue>());
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "zkml serve";
            doc.Info.Description = "Proofs of neural-network inference as a service: register a circuit with its keys, submit batches (EZKL input.json), fetch and verify proofs.";
            return Task.CompletedTask;
        }));
        // Framework-made errors (unknown route, unbindable query value) become problem details too.
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(j => j.SerializerOptions.WriteIndented = false);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Use(ProblemMiddleware);
        app.UseStatusCodePages();
        if (options.ApiKey is { } key) app.Use(ApiKeyMiddleware(key));
        app.MapOpenApi("/openapi.json");
        ProverEndpoints.Map(app);
        return app;
    }

    private static Func<HttpContext, RequestDelegate, Task> ApiKeyMiddleware(string key)
    {
        byte[] want = Encoding.UTF8.GetBytes("Bearer " + key);
        return async (ctx, next) =>
        {
            if (ctx.Request.Path.Equals("/health", StringComparison.Ordinal)) { await next(ctx); return; }
            byte[] got = Encoding.UTF8.GetBytes(ctx.Request.Headers.Authorization.ToString());
            if (!CryptographicOperations.FixedTimeEquals(got, want))
            {
                await WriteProblem(ctx, new ServiceProblem(401, "unauthorized", "this server requires Authorization: Bearer <API key>"));
                return;
            }
            await next(ctx);
        };
    }

    /// <summary>Maps exceptions to problem details as <c>CliHost</c> maps them to exit codes: input errors 4xx, the rest 500.</summary>
    private static async Task ProblemMiddleware(HttpContext ctx, RequestDelegate next)
    {
        try
        {
            await next(ctx);
        }
        catch (Exception e) when (!ctx.Response.HasStarted)
        {
            ServiceProblem p = e switch
            {
                ServiceProblem sp => sp,
                Microsoft.AspNetCore.Http.BadHttpRequestException b when b.StatusCode == 413 => new ServiceProblem(413, "request body too large", b.Message),
                Microsoft.AspNetCore.Http.BadHttpRequestException b => new ServiceProblem(b.StatusCode, "bad request", b.Message),
                ModelFormatException or CompileException or InferenceFormatException or SrsFormatException or JsonException or InvalidDataException
                    => ServiceProblem.BadRequest("invalid input", e.Message),
                ArgumentException ae => ServiceProblem.BadRequest("invalid input", ae.ParamName is not null ? ae.Message.Split(" (Parameter '")[0] : ae.Message),
                OperationCanceledException when ctx.RequestAborted.IsCancellationRequested => new ServiceProblem(499, "client closed request", "the client went away"),
                _ => new ServiceProblem(500, "internal error", $"{e.GetType().Name}: {e.Message}"),
            };
            if (p.Status == 500) ctx.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("ZkMl.Service").LogError(e, "internal error on {Path}", ctx.Request.Path);
            await WriteProblem(ctx, p);
        }
    }

    /// <summary>Writes an RFC 7807 problem details body (application/problem+json).</summary>
    internal static Task WriteProblem(HttpContext ctx, ServiceProblem p)
    {
        ctx.Response.Clear();
        ctx.Response.StatusCode = p.Status;
        if (p.Status == 401) ctx.Response.Headers.WWWAuthenticate = "Bearer";
        if (p.RetryAfter is { } s) ctx.Response.Headers.RetryAfter = s.ToString(System.Globalization.CultureInfo.InvariantCulture);
        ctx.Response.ContentType = "application/problem+json";
        var body = new JsonObject
        {
            ["type"] = "about:blank",
            ["title"] = p.Title,
            ["status"] = p.Status,
            ["detail"] = p.Message,
            ["instance"] = ctx.Request.Path.Value,
        };
        return ctx.Response.WriteAsync(body.ToJsonString());
    }
}
