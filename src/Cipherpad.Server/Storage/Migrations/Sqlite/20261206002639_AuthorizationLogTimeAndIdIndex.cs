using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Cipherpad.Server.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AuthorizationLogTimeAndIdIndex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuthorizationLog_AccountId_At",
                table: "AuthorizationLog");

            migrationBuilder.CreateIndex(
                name: "IX_AuthorizationLog_AccountId_At_Id",
                table: "AuthorizationLog",
                columns: new[] { "AccountId", "At", "Id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_AuthorizationLog_AccountId_At_Id",
                table: "AuthorizationLog");

            migrationBuilder.CreateIndex(
                name: "IX_AuthorizationLog_AccountId_At",
                table: "AuthorizationLog",
                columns: new[] { "AccountId", "At" });
        }
    }
}
