namespace ZkMl.Service;

/// <summary>
/// An error with its HTTP status, returned as RFC 7807 problem details (the service's counterpart of
/// the CLI's one-line error and exit code).
/// </summary>
public sealed class ServiceProblem(int status, string title, string detail) : Exception(detail)
{
    /// <summary>HTTP status code.</summary>
    public int Status { get; } = status;

    /// <summary>Short, fixed summary of the problem type.</summary>
    public string Title { get; } = title;

    /// <summary>Seconds for Retry-After (429), or null.</summary>
    public int? RetryAfter { get; init; }

    /// <summary>400 Bad Request.</summary>
    public static ServiceProblem BadRequest(string title, string detail) => new(400, title, detail);

    /// <summary>404 Not Found.</summary>
    public static ServiceProblem NotFound(string what, string id) => new(404, $"unknown {what}", $"no {what} with id {id}");

    /// <summary>409 Conflict.</summary>
    public static ServiceProblem Conflict(string title, string detail) => new(409, title, detail);

    /// <summary>413 Content Too Large.</summary>
    public static ServiceProblem TooLarge(long limit) => new(413, "request body too large", $"the body exceeds the limit of {limit:N0} bytes");
}
