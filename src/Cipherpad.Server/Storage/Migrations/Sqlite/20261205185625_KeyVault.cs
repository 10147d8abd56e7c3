using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class KeyVault : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "VaultExportRequests",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChallengeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    PassphraseProtected = table.Column<byte[]>(type: "BLOB", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VaultExportRequests", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VaultExportRequests_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VaultItems",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    RelyingPartiesMayAsk = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VaultItems", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VaultItems_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VaultUploads",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    ContentProtected = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VaultUploads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VaultUploads_Accounts_AccountId",
                        column: x => x.AccountId,
                        principalTable: "Accounts",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VaultItemVersions",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    ItemId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Number = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Size = table.Column<int>(type: "INTEGER", nullable: false),
                    Content = table.Column<byte[]>(type: "BLOB", nullable: false),
                    DataKeyId = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    WrappedDataKey = table.Column<byte[]>(type: "BLOB", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VaultItemVersions", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VaultItemVersions_VaultItems_ItemId",
                        column: x => x.ItemId,
                        principalTable: "VaultItems",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "VaultReleases",
                columns: table => new
                {
                    Id = table.Column<Guid>(type: "TEXT", nullable: false),
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    VersionId = table.Column<Guid>(type: "TEXT", nullable: false),
                    ChallengeId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Requester = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    RelyingPartyId = table.Column<Guid>(type: "TEXT", nullable: true),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    TicketHash = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    ExpiresAt = table.Column<long>(type: "INTEGER", nullable: true),
                    UsedAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VaultReleases", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VaultReleases_VaultItemVersions_VersionId",
                        column: x => x.VersionId,
                        principalTable: "VaultItemVersions",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_VaultExportRequests_AccountId",
                table: "VaultExportRequests",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_VaultExportRequests_CreatedAt",
                table: "VaultExportRequests",
                column: "CreatedAt");

            migrationBuilder.CreateIndex(
                name: "IX_VaultItemVersions_DataKeyId",
                table: "VaultItemVersions",
                column: "DataKeyId");

            migrationBuilder.CreateIndex(
                name: "IX_VaultItemVersions_ItemId_Number",
                table: "VaultItemVersions",
                columns: new[] { "ItemId", "Number" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VaultItems_AccountId_Name",
                table: "VaultItems",
                columns: new[] { "AccountId", "Name" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VaultReleases_ChallengeId",
                table: "VaultReleases",
                column: "ChallengeId");

            migrationBuilder.CreateIndex(
                name: "IX_VaultReleases_TicketHash",
                table: "VaultReleases",
                column: "TicketHash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VaultReleases_VersionId",
                table: "VaultReleases",
                column: "VersionId");

            migrationBuilder.CreateIndex(
                name: "IX_VaultUploads_AccountId",
                table: "VaultUploads",
                column: "AccountId");

            migrationBuilder.CreateIndex(
                name: "IX_VaultUploads_CreatedAt",
                table: "VaultUploads",
                column: "CreatedAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "VaultExportRequests");

            migrationBuilder.DropTable(
                name: "VaultReleases");

            migrationBuilder.DropTable(
                name: "VaultUploads");

            migrationBuilder.DropTable(
                name: "VaultItemVersions");

            migrationBuilder.DropTable(
                name: "VaultItems");
        }
    }
}
