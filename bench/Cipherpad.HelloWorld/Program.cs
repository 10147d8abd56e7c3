using System.Text.Json;

// The least an ASP.NET Core server on this machine can do per request: the same host defaults as cipherpad-server
// (WebApplication.CreateBuilder, Kestrel, minimal API routing) with nothing behind them. The load generator measures it
// with the same client code as Cipherpad, so Cipherpad's rate can be read as a fraction of this ceiling.
// Loopback only, on a port the system picks; the first line written names it. Logging is off, as a log line per request
// would be measured too.
var builder = WebApplication.CreateBuilder(args);
builder.Logging.ClearProviders();
var app = builder.Build();
app.Urls.Add("http://127.0.0.1:0");
app.MapGet("/", () => "Hello");
// A small JSON body, parsed and written back: the least a JSON API does per request.
app.MapPost("/echo", (JsonElement body) => TypedResults.Json(body));
await app.StartAsync();
Console.WriteLine($"Listening on {app.Urls.First()}");
await app.WaitForShutdownAsync();
