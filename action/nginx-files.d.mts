export declare const NGINX_FILES: string;
export declare const NGINX_EXCLUDE: string;
export declare function fromPythonVerbose(pattern: string): RegExp;
export declare function isNginxConfigPath(relativePath: string): boolean;
