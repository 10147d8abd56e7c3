using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PhonePad : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ApprovalSignedAt",
                table: "Devices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "ApprovesSince",
                table: "Devices",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "Kind",
                table: "Devices",
                type: "TEXT",
                maxLength: 16,
                nullable: true);

            migrationBuilder.AddColumn<byte[]>(
                name: "PushSubscriptionProtected",
                table: "Devices",
                type: "BLOB",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "MatchNumber",
                table: "Challenges",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "PushHourlyQuotas",
                columns: table => new
                {
                    AccountId = table.Column<Guid>(type: "TEXT", nullable: false),
                    Hour = table.Column<long>(type: "INTEGER", nullable: false),
                    Sent = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_PushHourlyQuotas", x => new { x.AccountId, x.Hour });
                });

            migrationBuilder.CreateTable(
                name: "ServerSecrets",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ValueProtected = table.Column<byte[]>(type: "BLOB", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ServerSecrets", x => x.Name);
                });

            migrationBuilder.CreateIndex(
                name: "IX_PushHourlyQuotas_Hour",
                table: "PushHourlyQuotas",
                column: "Hour");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "PushHourlyQuotas");

            migrationBuilder.DropTable(
                name: "ServerSecrets");

            migrationBuilder.DropColumn(
                name: "ApprovalSignedAt",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "ApprovesSince",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "Kind",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "PushSubscriptionProtected",
                table: "Devices");

            migrationBuilder.DropColumn(
                name: "MatchNumber",
                table: "Challenges");
        }
    }
}
