using System.Text.Json;
using Cipherpad.Server.Problems;
using Microsoft.AspNetCore.Diagnostics;

namespace Cipherpad.Server.Web;

/// <summary>
/// Turns a request the API could not bind — no body, a body that is not JSON, a field of the wrong JSON type — into
/// the same <c>invalid-request</c> problem as every other refusal, naming the field at fault. Without it a binding
/// failure is a bare 400 in Production and a stack trace in Development, neither of which a client can act on.
/// </summary>
public sealed class RequestBindingFailures(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (exception is not BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest or StatusCodes.Status415UnsupportedMediaType } bad)
        {
            return false;
        }
        var problem = Describe(bad).ToProblem();
        httpContext.Response.StatusCode = problem.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem.ProblemDetails, Exception = exception });
    }

    /// <summary>What was wrong with the request, in the words of the API's error catalogue.</summary>
    public static CipherpadError Describe(BadHttpRequestException bad)
    {
        ArgumentNullException.ThrowIfNull(bad);
        if (bad.StatusCode == StatusCodes.Status415UnsupportedMediaType)
        {
            return Errors.RequestBodyNotJson();
        }
        if (bad.InnerException is not JsonException json)
        {
            // The framework's only other binding failures are a missing body and a missing or unreadable route or query value.
            return bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase) ? Errors.RequestBodyMissing() : Errors.InvalidRequest(bad.Message);
        }
        var field = FieldOf(json.Path);
        // A value of the wrong type fails conversion; anything else is a body that is not JSON at all.
        return json.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && field is not null
            ? Errors.WrongJsonType(field)
            : Errors.RequestBodyNotJson(field);
    }

    /// <summary>The JSON path System.Text.Json reports (<c>$.amount</c>, <c>$['amount']</c>) as the field's name (<c>amount</c>).</summary>
    private static string? FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return null;
        }
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Replace("['", "", StringComparison.Ordinal).Replace("']", "", StringComparison.Ordinal);
    }
}
