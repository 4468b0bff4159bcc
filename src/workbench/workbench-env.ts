/** The Hono environment of the workbench's routes: how the request was authenticated. */
export interface WorkbenchEnv {
  Variables: {
    /** `cookie`: a browser (state changes need the CSRF token); `bearer`: a script. */
    auth: "cookie" | "bearer";
  };
}
