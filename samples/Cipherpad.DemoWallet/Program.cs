using Cipherpad.DemoWallet;

DemoWallet.Build(args).Run();
