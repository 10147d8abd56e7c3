using Cipherpad.Client;

return await CipherpadCommands.Build().Parse(args).InvokeAsync();
