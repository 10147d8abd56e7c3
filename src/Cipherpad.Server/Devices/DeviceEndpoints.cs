using System.Buffers.Text;
using Cipherpad.Contracts.Activations;
using Cipherpad.Server.Problems;
using Cipherpad.Server.Storage;
using Cipherpad.Server.Web;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Cipherpad.Server.Devices;

/// <summary>The cipher pad's API: the two steps of activation (docs/protocol.md §6). Binary values are base64url.</summary>
public static class DeviceEndpoints
{
    public static RouteGroupBuilder MapDeviceApi(this IEndpointRouteBuilder routes)
    {
        // The address a pad activates for is anyone's to type: how long an answer takes must not tell whether it has a code.
        var group = routes.MapGroup("/api/v1/activations").EvenlyTimed().RetryOnTransientDatabaseErrors().WithTags("Cipher pad API");
        group.MapPost("/", StartAsync).WithName("StartActivation").WithSummary("Begin activating a cipher pad: the server's ephemeral public key.")
            .ProducesProblem(StatusCodes.Status400BadRequest);
        group.MapPost("/{activationId}/finish", FinishAsync).WithName("FinishActivation")
            .WithSummary("Prove the activation code; on success the server confirms itself and the device is active.")
            .ProducesProblem(StatusCodes.Status400BadRequest).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status410Gone);
        return group;
    }

    private static async Task<Results<Ok<StartActivationResponse>, ProblemHttpResult>> StartAsync(StartActivationRequest request,
        DeviceActivationService activations, CancellationToken cancellationToken)
    {
        if (Accounts.AccountRules.EmailProblem(request.Email) is { } problem)
        {
            return new CipherpadError(ErrorCode.InvalidEmail, problem, "email").ToProblem();
        }
        var start = await activations.StartAsync(request.Email!, cancellationToken);
        return TypedResults.Ok(new StartActivationResponse(start.ActivationId, Base64Url.EncodeToString(start.ServerPublicKey), start.ExpiresAt));
    }

    private static async Task<Results<Ok<FinishActivationResponse>, ProblemHttpResult>> FinishAsync(string activationId, FinishActivationRequest request,
        DeviceActivationService activations, HttpContext context, CancellationToken cancellationToken)
    {
        if (!TryDecode(request.ClientPublicKey, 65, out var publicKey) || !TryDecode(request.ClientConfirmation, 32, out var confirmation)
            || string.IsNullOrWhiteSpace(request.Email) || activationId.Length > 40)
        {
            return Errors.InvalidRequest("Send 'email', 'clientPublicKey' (65 bytes) and 'clientConfirmation' (32 bytes), both base64url.").ToProblem();
        }
        // Checked before the activation code is tried, so a name the server cannot keep never spends the code.
        if (!string.IsNullOrWhiteSpace(request.DeviceName) && Device.NameProblem(request.DeviceName.Trim()) is { } nameProblem)
        {
            return Errors.InvalidRequest(nameProblem, "deviceName").ToProblem();
        }
        if (request.DeviceKind is not (null or Device.CommandLineKind or Device.WebAppKind))
        {
            return Errors.InvalidRequest($"'deviceKind' is '{Device.CommandLineKind}', '{Device.WebAppKind}' or left out.", "deviceKind").ToProblem();
        }
        var finish = await activations.FinishAsync(activationId, request.Email, publicKey, confirmation, request.DeviceName,
            request.DeviceKind, ClientAddress.Of(context), cancellationToken);
        return finish.Outcome switch
        {
            ActivationOutcome.Activated => TypedResults.Ok(new FinishActivationResponse(Base64Url.EncodeToString(finish.ServerConfirmation),
                finish.Device!.Id, Accounts.AccountRules.NormalizeEmail(request.Email))),
            ActivationOutcome.WrongCode => Errors.WrongActivationCode(finish.AttemptsLeft).ToProblem(),
            ActivationOutcome.CodeVoid => Errors.ActivationCodeVoid().ToProblem(),
            ActivationOutcome.InvalidKey => Errors.InvalidPublicKey().ToProblem(),
            _ => Errors.UnknownActivation().ToProblem(),
        };
    }

    private static bool TryDecode(string? value, int length, out byte[] bytes)
    {
        bytes = [];
        if (string.IsNullOrEmpty(value) || value.Length > 200)
        {
            return false;
        }
        try
        {
            bytes = Base64Url.DecodeFromChars(value);
        }
        catch (FormatException)
        {
            return false;
        }
        return bytes.Length == length;
    }
}
